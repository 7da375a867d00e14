"""The words of the offer page, the film's page and the problem pages."""

T: dict[str, dict[str, str]] = {
    "Confirm our participation": {
        "es": "Confirmamos nuestra participación",
        "pt": "Confirmamos a nossa participação",
        "fr": "Nous confirmons notre participation",
    },
    "Decline the slot": {
        "es": "Rechazar la plaza",
        "pt": "Recusar a vaga",
        "fr": "Décliner la place",
    },
    "Language": {"es": "Idioma", "pt": "Idioma", "fr": "Langue"},
    "Page not found": {
        "es": "Página no encontrada",
        "pt": "Página não encontrada",
        "fr": "Page introuvable",
    },
    "Please answer by %(deadline)s.": {
        "es": "Responda antes del %(deadline)s.",
        "pt": "Responda até %(deadline)s.",
        "fr": "Merci de répondre avant le %(deadline)s.",
    },
    "Please open the link again and answer once more.": {
        "es": "Vuelva a abrir el enlace y responda de nuevo.",
        "pt": "Abra o link novamente e responda outra vez.",
        "fr": "Rouvrez le lien et répondez à nouveau.",
    },
    "Please use the link in the message you received.": {
        "es": "Utilice el enlace del mensaje que recibió.",
        "pt": "Use o link da mensagem que recebeu.",
        "fr": "Utilisez le lien du message que vous avez reçu.",
    },
    "Please write to the programme's staff.": {
        "es": "Escriba al equipo del programa.",
        "pt": "Escreva à equipa do programa.",
        "fr": "Écrivez à l’équipe du programme.",
    },
    "Reason (optional)": {
        "es": "Motivo (opcional)",
        "pt": "Motivo (opcional)",
        "fr": "Raison (facultatif)",
    },
    "The deadline to answer has passed: your answer could not be taken.": {
        "es": "El plazo para responder ha vencido: no se pudo registrar su respuesta.",
        "pt": "O prazo para responder terminou: não foi possível registar a sua resposta.",
        "fr": "Le délai pour répondre est passé : votre réponse n’a pas pu être prise en compte.",
    },
    "The deadline to answer, %(deadline)s, has passed.": {
        "es": "El plazo para responder, el %(deadline)s, ha vencido.",
        "pt": "O prazo para responder, %(deadline)s, terminou.",
        "fr": "Le délai pour répondre, le %(deadline)s, est passé.",
    },
    "The form sent more than this page accepts.": {
        "es": "El formulario envió más datos de los que esta página acepta.",
        "pt": "O formulário enviou mais dados do que esta página aceita.",
        "fr": "Le formulaire a envoyé plus de données que cette page n’en accepte.",
    },
    "There is nothing at this address.": {
        "es": "No hay nada en esta dirección.",
        "pt": "Não há nada neste endereço.",
        "fr": "Il n’y a rien à cette adresse.",
    },
    "This form has expired": {
        "es": "Este formulario ha caducado",
        "pt": "Este formulário expirou",
        "fr": "Ce formulaire a expiré",
    },
    "This link has expired": {
        "es": "Este enlace ha caducado",
        "pt": "Este link expirou",
        "fr": "Ce lien a expiré",
    },
    "This link is not valid": {
        "es": "Este enlace no es válido",
        "pt": "Este link não é válido",
        "fr": "Ce lien n’est pas valide",
    },
    "This offer is no longer open.": {
        "es": "Esta oferta ya no está abierta.",
        "pt": "Esta oferta já não está aberta.",
        "fr": "Cette offre n’est plus ouverte.",
    },
    "This offer is no longer open: your answer could not be taken.": {
        "es": "Esta oferta ya no está abierta: no se pudo registrar su respuesta.",
        "pt": "Esta oferta já não está aberta: não foi possível registar a sua resposta.",
        "fr": "Cette offre n’est plus ouverte : votre réponse n’a pas pu être prise en compte.",
    },
    "Where your film stands: %(stage)s.": {
        "es": "Dónde está su película: %(stage)s.",
        "pt": "Onde está o seu filme: %(stage)s.",
        "fr": "Où en est votre film : %(stage)s.",
    },
    "We are waiting for your answer to the offer, by %(deadline)s.": {
        "es": "Esperamos su respuesta a la oferta antes del %(deadline)s.",
        "pt": "Aguardamos a sua resposta à oferta até %(deadline)s.",
        "fr": "Nous attendons votre réponse à l’offre avant le %(deadline)s.",
    },
    "Answer here": {
        "es": "Responder aquí",
        "pt": "Responder aqui",
        "fr": "Répondre ici",
    },
    "Nothing is expected of you right now.": {
        "es": "Por ahora no tiene nada que hacer.",
        "pt": "Por agora não tem nada a fazer.",
        "fr": "Rien ne vous est demandé pour l’instant.",
    },
    "Messages we sent you": {
        "es": "Mensajes que le enviamos",
        "pt": "Mensagens que lhe enviámos",
        "fr": "Les messages que nous vous avons envoyés",
    },
    "None yet.": {
        "es": "Ninguno todavía.",
        "pt": "Nenhuma ainda.",
        "fr": "Aucun pour l’instant.",
    },
    "Your film's page": {
        "es": "La página de su película",
        "pt": "A página do seu filme",
        "fr": "La page de votre film",
    },
    "received, its eligibility being checked": {
        "es": "recibida, se está comprobando su elegibilidad",
        "pt": "recebido, a verificar a elegibilidade",
        "fr": "reçu, éligibilité en cours de vérification",
    },
    "waiting for your corrections": {
        "es": "a la espera de sus correcciones",
        "pt": "à espera das suas correções",
        "fr": "en attente de vos corrections",
    },
    "eligible, waiting for the committee": {
        "es": "elegible, a la espera del comité",
        "pt": "elegível, à espera do comité",
        "fr": "éligible, en attente du comité",
    },
    "not eligible for this session": {
        "es": "no elegible para esta sesión",
        "pt": "não elegível para esta sessão",
        "fr": "non éligible pour cette session",
    },
    "withdrawn": {
        "es": "retirada",
        "pt": "retirado",
        "fr": "retiré",
    },
    "with the selection committee": {
        "es": "en manos del comité de selección",
        "pt": "com o comité de seleção",
        "fr": "entre les mains du comité de sélection",
    },
    "offered a slot": {
        "es": "se le ofrece una plaza",
        "pt": "foi-lhe oferecida uma vaga",
        "fr": "une place lui est offerte",
    },
    "on the waitlist": {
        "es": "en la lista de espera",
        "pt": "na lista de espera",
        "fr": "sur la liste d’attente",
    },
    "selected, participation confirmed": {
        "es": "seleccionada, participación confirmada",
        "pt": "selecionado, participação confirmada",
        "fr": "sélectionné, participation confirmée",
    },
    "slot declined": {
        "es": "plaza rechazada",
        "pt": "vaga recusada",
        "fr": "place déclinée",
    },
    "the offer lapsed": {
        "es": "la oferta venció",
        "pt": "a oferta caducou",
        "fr": "l’offre a expiré",
    },
    "not selected this time": {
        "es": "no seleccionada esta vez",
        "pt": "não selecionado desta vez",
        "fr": "non retenu cette fois",
    },
    "the session is closed": {
        "es": "la sesión está cerrada",
        "pt": "a sessão está encerrada",
        "fr": "la session est close",
    },
    "Too many attempts": {
        "es": "Demasiados intentos",
        "pt": "Demasiadas tentativas",
        "fr": "Trop de tentatives",
    },
    "Please wait a minute, then try again.": {
        "es": "Espere un minuto y vuelva a intentarlo.",
        "pt": "Aguarde um minuto e tente novamente.",
        "fr": "Patientez une minute, puis réessayez.",
    },
    "Too much data": {"es": "Demasiados datos", "pt": "Dados a mais", "fr": "Trop de données"},
    "You confirmed your participation. Thank you, and see you there!": {
        "es": "Ha confirmado su participación. ¡Gracias, y hasta pronto!",
        "pt": "Confirmou a sua participação. Obrigado, e até breve!",
        "fr": "Vous avez confirmé votre participation. Merci, et à bientôt !",
    },
    "You declined the slot. Thank you for telling us: it goes to the next film on the waitlist.": {
        "es": "Ha rechazado la plaza. Gracias por avisarnos: pasa a la siguiente película de la "
        "lista de espera.",
        "pt": "Recusou a vaga. Obrigado por nos avisar: passa ao filme seguinte da lista de "
        "espera.",
        "fr": "Vous avez décliné la place. Merci de nous avoir prévenus : elle revient au film "
        "suivant sur la liste d’attente.",
    },
    "Your answer could not be taken: the session has moved on.": {
        "es": "No se pudo registrar su respuesta: la sesión ha avanzado.",
        "pt": "Não foi possível registar a sua resposta: a sessão avançou.",
        "fr": "Votre réponse n’a pas pu être prise en compte : la session a avancé.",
    },
    "Your slot at %(session)s": {
        "es": "Su plaza en %(session)s",
        "pt": "A sua vaga em %(session)s",
        "fr": "Votre place à %(session)s",
    },
    "“%(film)s” is offered a slot at %(session)s, from %(start)s to %(end)s.": {
        "es": "Se ofrece a «%(film)s» una plaza en %(session)s, del %(start)s al %(end)s.",
        "pt": "É oferecida a «%(film)s» uma vaga em %(session)s, de %(start)s a %(end)s.",
        "fr": "Une place est offerte à « %(film)s » à %(session)s, du %(start)s au %(end)s.",
    },
}
