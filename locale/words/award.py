"""The words of the award's page (web/award.py, templates/web/award.html.j2)."""

T: dict[str, dict[str, str]] = {
    "Accept the award": {
        "es": "Aceptar el premio",
        "pt": "Aceitar o prêmio",
        "fr": "Accepter le prix",
    },
    "Decline the award": {
        "es": "Rechazar el premio",
        "pt": "Recusar o prêmio",
        "fr": "Décliner le prix",
    },
    "You accepted the award. Congratulations: we will write with the next steps.": {
        "es": "Ha aceptado el premio. Enhorabuena: le escribiremos con los siguientes pasos.",
        "pt": "Aceitou o prêmio. Parabéns: escreveremos com os próximos passos.",
        "fr": "Vous avez accepté le prix. Félicitations : nous vous écrirons avec les "
        "prochaines étapes.",
    },
    "You declined the award. Thank you for telling us.": {
        "es": "Ha rechazado el premio. Gracias por avisarnos.",
        "pt": "Recusou o prêmio. Obrigado por nos avisar.",
        "fr": "Vous avez décliné le prix. Merci de nous l’avoir dit.",
    },
    "Your answer could not be taken: the award has moved on.": {
        "es": "No se pudo registrar su respuesta: el premio ya ha avanzado.",
        "pt": "Não foi possível registrar a sua resposta: o prêmio já avançou.",
        "fr": "Votre réponse n’a pas pu être prise en compte : le prix a déjà avancé.",
    },
    "Your share: %(share)s%%, given in kind.": {
        "es": "Su parte: %(share)s %%, en especie.",
        "pt": "A sua parte: %(share)s%%, em espécie.",
        "fr": "Votre part : %(share)s %%, en nature.",
    },
    "Your share: %(share)s%%, worth %(value)s.": {
        "es": "Su parte: %(share)s %%, por un valor de %(value)s.",
        "pt": "A sua parte: %(share)s%%, no valor de %(value)s.",
        "fr": "Votre part : %(share)s %%, d’une valeur de %(value)s.",
    },
    "“%(film)s” receives the %(award)s, given by %(partner)s.": {
        "es": "«%(film)s» recibe el %(award)s, otorgado por %(partner)s.",
        "pt": "«%(film)s» recebe o %(award)s, concedido por %(partner)s.",
        "fr": "« %(film)s » reçoit le %(award)s, décerné par %(partner)s.",
    },
}
