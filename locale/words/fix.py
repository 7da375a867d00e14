"""The words of the fix form (web/fix.py, templates/web/fix.html.j2)."""

T: dict[str, dict[str, str]] = {
    "A correction for “%(film)s”": {
        "es": "Una corrección para «%(film)s»",
        "pt": "Uma correção para «%(film)s»",
        "fr": "Une correction pour « %(film)s »",
    },
    "Before it can go further, your entry needs a correction:": {
        "es": "Antes de seguir, su inscripción necesita una corrección:",
        "pt": "Antes de seguir, a sua inscrição precisa de uma correção:",
        "fr": "Avant d’aller plus loin, votre inscription a besoin d’une correction :",
    },
    "No correction is expected of this film now.": {
        "es": "Ya no se espera ninguna corrección para esta película.",
        "pt": "Já não se espera nenhuma correção para este filme.",
        "fr": "Aucune correction n’est plus attendue pour ce film.",
    },
    "No correction is expected of this film now: %(stage)s.": {
        "es": "Ya no se espera ninguna corrección para esta película: %(stage)s.",
        "pt": "Já não se espera nenhuma correção para este filme: %(stage)s.",
        "fr": "Aucune correction n’est plus attendue pour ce film : %(stage)s.",
    },
    "Please correct it by %(deadline)s.": {
        "es": "Corríjala antes del %(deadline)s.",
        "pt": "Corrija-a até %(deadline)s.",
        "fr": "Merci de la corriger avant le %(deadline)s.",
    },
    "Send the correction": {
        "es": "Enviar la corrección",
        "pt": "Enviar a correção",
        "fr": "Envoyer la correction",
    },
    "The deadline for corrections has passed: your correction could not be taken.": {
        "es": "El plazo para las correcciones ha vencido: no se pudo recibir su corrección.",
        "pt": "O prazo para as correções terminou: a sua correção não pôde ser recebida.",
        "fr": "Le délai des corrections est passé : votre correction n’a pas pu être prise.",
    },
    "The deadline for corrections, %(deadline)s, has passed.": {
        "es": "El plazo para las correcciones, el %(deadline)s, ha vencido.",
        "pt": "O prazo para as correções, %(deadline)s, terminou.",
        "fr": "Le délai des corrections, le %(deadline)s, est passé.",
    },
    "We are waiting for your corrections, by %(deadline)s.": {
        "es": "Esperamos sus correcciones antes del %(deadline)s.",
        "pt": "Aguardamos as suas correções até %(deadline)s.",
        "fr": "Nous attendons vos corrections avant le %(deadline)s.",
    },
    "Your correction could not be taken: the film has moved on.": {
        "es": "No se pudo recibir su corrección: la película ha avanzado.",
        "pt": "A sua correção não pôde ser recebida: o filme seguiu em frente.",
        "fr": "Votre correction n’a pas pu être prise : le film a avancé.",
    },
    "Your correction was received, and the film was checked again: %(stage)s.": {
        "es": "Recibimos su corrección y volvimos a revisar la película: %(stage)s.",
        "pt": "Recebemos a sua correção e verificámos o filme de novo: %(stage)s.",
        "fr": "Votre correction est reçue et le film a été vérifié à nouveau : %(stage)s.",
    },
}
