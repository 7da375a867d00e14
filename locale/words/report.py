"""The words of the follow-up report form and of its refusals."""

T: dict[str, dict[str, str]] = {
    "%(done)s is in the future.": {
        "es": "%(done)s es una fecha futura.",
        "pt": "%(done)s é uma data futura.",
        "fr": "%(done)s est une date future.",
    },
    "%(expected)s is earlier than the date expected before, %(current)s: say why.": {
        "es": "%(expected)s es anterior a la fecha prevista antes, %(current)s: diga por qué.",
        "pt": "%(expected)s é anterior à data prevista antes, %(current)s: diga porquê.",
        "fr": "%(expected)s est antérieure à la date prévue avant, %(current)s : dites pourquoi.",
    },
    "Already done on %(current)s: say why it changes.": {
        "es": "Ya se hizo el %(current)s: diga por qué cambia.",
        "pt": "Já foi feito em %(current)s: diga porque muda.",
        "fr": "Déjà fait le %(current)s : dites pourquoi cela change.",
    },
    "Anything else (optional)": {
        "es": "Algo más (opcional)",
        "pt": "Mais alguma coisa (opcional)",
        "fr": "Autre chose (facultatif)",
    },
    "Company": {"es": "Empresa", "pt": "Empresa", "fr": "Société"},
    "Details": {"es": "Detalles", "pt": "Detalhes", "fr": "Détails"},
    "Distribution deal": {
        "es": "Acuerdo de distribución",
        "pt": "Acordo de distribuição",
        "fr": "Accord de distribution",
    },
    "Done": {"es": "Hecho", "pt": "Feito", "fr": "Fait"},
    "Done on": {"es": "Hecho el", "pt": "Feito em", "fr": "Fait le"},
    "Enter a date as year-month-day, e.g. 2027-05-01.": {
        "es": "Escriba una fecha como año-mes-día, p. ej. 2027-05-01.",
        "pt": "Escreva uma data como ano-mês-dia, p. ex. 2027-05-01.",
        "fr": "Saisissez une date sous la forme année-mois-jour, p. ex. 2027-05-01.",
    },
    "Expected": {"es": "Prevista", "pt": "Prevista", "fr": "Prévue"},
    "Expected on": {"es": "Prevista para el", "pt": "Prevista para", "fr": "Prévue le"},
    "Festival": {"es": "Festival", "pt": "Festival", "fr": "Festival"},
    "Fill in only what changed: a date you now expect, or the date a milestone was done. "
    "A date that moves back, or a done date that changes, needs a reason.": {
        "es": "Complete solo lo que cambió: una fecha que ahora prevé, o la fecha en que se "
        "cumplió una etapa. Una fecha que se adelanta, o una fecha cumplida que cambia, "
        "necesita un motivo.",
        "pt": "Preencha apenas o que mudou: uma data que agora prevê, ou a data em que uma "
        "etapa foi cumprida. Uma data que recua, ou uma data cumprida que muda, precisa de "
        "um motivo.",
        "fr": "Ne remplissez que ce qui a changé : une date que vous prévoyez désormais, ou la "
        "date à laquelle une étape a été franchie. Une date avancée, ou une date de "
        "réalisation qui change, demande un motif.",
    },
    "Give an expected date or the date it was done.": {
        "es": "Indique una fecha prevista o la fecha en que se hizo.",
        "pt": "Indique uma data prevista ou a data em que foi feito.",
        "fr": "Indiquez une date prévue ou la date à laquelle c’est fait.",
    },
    "Grading": {"es": "Etalonaje", "pt": "Correção de cor", "fr": "Étalonnage"},
    "Lab certificate": {
        "es": "Certificado de laboratorio",
        "pt": "Certificado de laboratório",
        "fr": "Certificat de laboratoire",
    },
    "Master (DCP) delivered": {
        "es": "Máster (DCP) entregado",
        "pt": "Master (DCP) entregue",
        "fr": "Master (DCP) livré",
    },
    "Milestone": {"es": "Etapa", "pt": "Etapa", "fr": "Étape"},
    "Picture lock": {"es": "Montaje cerrado", "pt": "Montagem fechada", "fr": "Montage image fini"},
    "Premiere": {"es": "Estreno", "pt": "Estreia", "fr": "Première"},
    "Reason, if a date moves": {
        "es": "Motivo, si una fecha cambia",
        "pt": "Motivo, se uma data muda",
        "fr": "Motif, si une date change",
    },
    "Report due by %(due)s.": {
        "es": "Informe esperado antes del %(due)s.",
        "pt": "Relatório esperado até %(due)s.",
        "fr": "Point attendu avant le %(due)s.",
    },
    "Required when this milestone is done.": {
        "es": "Obligatorio cuando esta etapa está hecha.",
        "pt": "Obrigatório quando esta etapa está feita.",
        "fr": "Obligatoire quand cette étape est franchie.",
    },
    "Sales agent": {
        "es": "Agente de ventas",
        "pt": "Agente de vendas",
        "fr": "Vendeur international",
    },
    "Send the report": {
        "es": "Enviar el informe",
        "pt": "Enviar o relatório",
        "fr": "Envoyer le point",
    },
    "Some fields need another look: see the notes beside them.": {
        "es": "Algunos campos necesitan revisión: vea las notas a su lado.",
        "pt": "Alguns campos precisam de revisão: veja as notas ao lado.",
        "fr": "Certains champs sont à revoir : voyez les notes à côté.",
    },
    "Sound mix": {"es": "Mezcla de sonido", "pt": "Mistura de som", "fr": "Mixage son"},
    "Subtitles": {"es": "Subtítulos", "pt": "Legendas", "fr": "Sous-titres"},
    "TV sale": {"es": "Venta a televisión", "pt": "Venda para televisão", "fr": "Vente télévision"},
    "Territory": {"es": "Territorio", "pt": "Território", "fr": "Territoire"},
    "Thank you: your report was received.": {
        "es": "Gracias: recibimos su informe.",
        "pt": "Obrigado: recebemos o seu relatório.",
        "fr": "Merci : votre point a bien été reçu.",
    },
    "The follow-up of your film has ended: thank you for your reports.": {
        "es": "El seguimiento de su película ha terminado: gracias por sus informes.",
        "pt": "O acompanhamento do seu filme terminou: obrigado pelos seus relatórios.",
        "fr": "Le suivi de votre film est terminé : merci pour vos points.",
    },
    "The follow-up of your film has ended: your report could not be taken.": {
        "es": "El seguimiento de su película ha terminado: no se pudo recibir su informe.",
        "pt": "O acompanhamento do seu filme terminou: não foi possível receber o relatório.",
        "fr": "Le suivi de votre film est terminé : votre point n’a pas pu être reçu.",
    },
    "This link no longer takes reports: please write to the programme's staff.": {
        "es": "Este enlace ya no admite informes: escriba al equipo del programa.",
        "pt": "Este link já não aceita relatórios: escreva à equipa do programa.",
        "fr": "Ce lien ne prend plus de points : écrivez à l’équipe du programme.",
    },
    "This text holds a character that cannot be kept.": {
        "es": "Este texto contiene un carácter que no se puede guardar.",
        "pt": "Este texto contém um carácter que não pode ser guardado.",
        "fr": "Ce texte contient un caractère qui ne peut pas être conservé.",
    },
    "This value is not valid.": {
        "es": "Este valor no es válido.",
        "pt": "Este valor não é válido.",
        "fr": "Cette valeur n’est pas valide.",
    },
    "Too long: at most %(max_length)s characters.": {
        "es": "Demasiado largo: %(max_length)s caracteres como máximo.",
        "pt": "Demasiado longo: no máximo %(max_length)s caracteres.",
        "fr": "Trop long : %(max_length)s caractères au plus.",
    },
    "We are waiting for your progress report, due %(deadline)s.": {
        "es": "Esperamos su informe de avance, previsto para el %(deadline)s.",
        "pt": "Aguardamos o seu relatório de andamento, previsto para %(deadline)s.",
        "fr": "Nous attendons votre point d’avancement, prévu pour le %(deadline)s.",
    },
    "What is new": {"es": "Qué hay de nuevo", "pt": "O que há de novo", "fr": "Quoi de neuf"},
    "Where your film stands": {
        "es": "Dónde está su película",
        "pt": "Onde está o seu filme",
        "fr": "Où en est votre film",
    },
    "Your report could not be taken: please check it and send it again.": {
        "es": "No se pudo recibir su informe: revíselo y envíelo de nuevo.",
        "pt": "Não foi possível receber o relatório: reveja-o e envie-o de novo.",
        "fr": "Votre point n’a pas pu être reçu : vérifiez-le et renvoyez-le.",
    },
    "Your report on “%(film)s”": {
        "es": "Su informe sobre «%(film)s»",
        "pt": "O seu relatório sobre «%(film)s»",
        "fr": "Votre point sur « %(film)s »",
    },
    "“%(territory)s” is not a country code of two capital letters (FR, AR…).": {
        "es": "«%(territory)s» no es un código de país de dos letras mayúsculas (FR, AR…).",
        "pt": "«%(territory)s» não é um código de país de duas letras maiúsculas (FR, AR…).",
        "fr": "« %(territory)s » n’est pas un code pays de deux lettres majuscules (FR, AR…).",
    },
}
