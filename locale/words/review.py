"""The words of a committee member's page (web/review.py, templates/web/review.html.j2)."""

T: dict[str, dict[str, str]] = {
    "%(minutes)s min (cut: %(cut)s min)": {
        "es": "%(minutes)s min (corte: %(cut)s min)",
        "pt": "%(minutes)s min (corte: %(cut)s min)",
        "fr": "%(minutes)s min (montage : %(cut)s min)",
    },
    "%(scored)s of %(assigned)s scored, due %(deadline)s": {
        "es": "%(scored)s de %(assigned)s evaluadas, plazo: %(deadline)s",
        "pt": "%(scored)s de %(assigned)s avaliados, prazo: %(deadline)s",
        "fr": "%(scored)s sur %(assigned)s notés, à rendre le %(deadline)s",
    },
    "A score is a number from the programme's scale: see the range beside it.": {
        "es": "Una nota es un número de la escala del programa: vea el rango a su lado.",
        "pt": "Uma nota é um número da escala do programa: veja o intervalo ao lado.",
        "fr": "Une note est un nombre de l’échelle du programme : voyez l’intervalle à côté.",
    },
    "All (%(n)s)": {"es": "Todas (%(n)s)", "pt": "Todos (%(n)s)", "fr": "Tous (%(n)s)"},
    "Another reason": {"es": "Otro motivo", "pt": "Outro motivo", "fr": "Une autre raison"},
    "Budget": {"es": "Presupuesto", "pt": "Orçamento", "fr": "Budget"},
    "Change the score": {"es": "Cambiar la nota", "pt": "Mudar a nota", "fr": "Changer la note"},
    "Comment (optional)": {
        "es": "Comentario (opcional)",
        "pt": "Comentário (opcional)",
        "fr": "Commentaire (facultatif)",
    },
    "Committee of %(session)s": {
        "es": "Comité de %(session)s",
        "pt": "Comitê de %(session)s",
        "fr": "Comité de %(session)s",
    },
    "Conflicts of interest you declared": {
        "es": "Conflictos de interés que declaró",
        "pt": "Conflitos de interesses que você declarou",
        "fr": "Conflits d’intérêts que vous avez déclarés",
    },
    "Declare the conflict: give the film to another member": {
        "es": "Declarar el conflicto: dar la película a otro miembro",
        "pt": "Declarar o conflito: passar o filme a outro membro",
        "fr": "Déclarer le conflit : confier le film à un autre membre",
    },
    "Every film assigned to you is scored. Thank you!": {
        "es": "Todas las películas asignadas están evaluadas. ¡Gracias!",
        "pt": "Todos os filmes atribuídos a você estão avaliados. Obrigado!",
        "fr": "Tous les films qui vous sont confiés sont notés. Merci !",
    },
    "Films": {"es": "Películas", "pt": "Filmes", "fr": "Films"},
    "I am credited on the film": {
        "es": "Figuro en los créditos de la película",
        "pt": "Estou nos créditos do filme",
        "fr": "Je suis au générique du film",
    },
    "I am related to someone on the film": {
        "es": "Tengo parentesco con alguien de la película",
        "pt": "Tenho parentesco com alguém do filme",
        "fr": "Je suis parent d’une personne du film",
    },
    "I have a conflict of interest with this film": {
        "es": "Tengo un conflicto de interés con esta película",
        "pt": "Tenho um conflito de interesses com este filme",
        "fr": "J’ai un conflit d’intérêts avec ce film",
    },
    "I work for (or with) one of its producers": {
        "es": "Trabajo para (o con) una de sus productoras",
        "pt": "Trabalho para (ou com) uma das suas produtoras",
        "fr": "Je travaille pour (ou avec) l’un de ses producteurs",
    },
    "No film here.": {
        "es": "No hay ninguna película aquí.",
        "pt": "Nenhum filme aqui.",
        "fr": "Aucun film ici.",
    },
    "No other member has scored this film yet.": {
        "es": "Ningún otro miembro ha evaluado aún esta película.",
        "pt": "Nenhum outro membro avaliou este filme ainda.",
        "fr": "Aucun autre membre n’a encore noté ce film.",
    },
    "Pages": {"es": "Páginas", "pt": "Páginas", "fr": "Pages"},
    "Post-production budget missing": {
        "es": "Presupuesto de postproducción que falta",
        "pt": "Orçamento de pós-produção em falta",
        "fr": "Budget de postproduction manquant",
    },
    "Post-production needs": {
        "es": "Necesidades de postproducción",
        "pt": "Necessidades de pós-produção",
        "fr": "Besoins de postproduction",
    },
    "Producers": {"es": "Productoras", "pt": "Produtoras", "fr": "Producteurs"},
    "Save the score": {"es": "Guardar la nota", "pt": "Salvar a nota", "fr": "Enregistrer la note"},
    "Scored (%(n)s)": {"es": "Evaluadas (%(n)s)", "pt": "Avaliados (%(n)s)", "fr": "Notés (%(n)s)"},
    "Synopsis and dossier": {
        "es": "Sinopsis y dosier",
        "pt": "Sinopse e dossiê",
        "fr": "Synopsis et dossier",
    },
    "The other members’ scores": {
        "es": "Las notas de los demás miembros",
        "pt": "As notas dos outros membros",
        "fr": "Les notes des autres membres",
    },
    "The other members’ scores are shown once you have scored this film.": {
        "es": "Las notas de los demás miembros se muestran cuando haya evaluado esta película.",
        "pt": "As notas dos outros membros aparecem quando você tiver avaliado este filme.",
        "fr": "Les notes des autres membres s’affichent une fois ce film noté par vous.",
    },
    "The review is closed: your scores can no longer change.": {
        "es": "La evaluación está cerrada: sus notas ya no pueden cambiar.",
        "pt": "A avaliação está encerrada: suas notas não podem mais mudar.",
        "fr": "L’évaluation est close : vos notes ne peuvent plus changer.",
    },
    "The selection committee’s page of %(member)s.": {
        "es": "La página del comité de selección de %(member)s.",
        "pt": "A página do comitê de seleção de %(member)s.",
        "fr": "La page du comité de sélection de %(member)s.",
    },
    "This film is not assigned to you.": {
        "es": "Esta película no le está asignada.",
        "pt": "Este filme não foi atribuído a você.",
        "fr": "Ce film ne vous est pas confié.",
    },
    "To score (%(n)s)": {
        "es": "Por evaluar (%(n)s)",
        "pt": "Para avaliar (%(n)s)",
        "fr": "À noter (%(n)s)",
    },
    "Watch the screener": {
        "es": "Ver el enlace de visionado",
        "pt": "Ver o link de visionamento",
        "fr": "Voir le lien de visionnage",
    },
    "Why": {"es": "Por qué", "pt": "Por quê", "fr": "Pourquoi"},
    "With whom (the company or the person), or what": {
        "es": "Con quién (la empresa o la persona), o qué",
        "pt": "Com quem (a empresa ou a pessoa), ou o quê",
        "fr": "Avec qui (la société ou la personne), ou quoi",
    },
    "You declared a conflict of interest with this film: %(why)s.": {
        "es": "Declaró un conflicto de interés con esta película: %(why)s.",
        "pt": "Você declarou um conflito de interesses com este filme: %(why)s.",
        "fr": "Vous avez déclaré un conflit d’intérêts avec ce film : %(why)s.",
    },
    "Your conflict of interest is recorded: the film goes to another member.": {
        "es": "Su conflicto de interés está registrado: la película pasa a otro miembro.",
        "pt": "Seu conflito de interesses está registrado: o filme passa a outro membro.",
        "fr": "Votre conflit d’intérêts est enregistré : le film est confié à un autre membre.",
    },
    "Your score (%(low)s to %(high)s)": {
        "es": "Su nota (de %(low)s a %(high)s)",
        "pt": "Sua nota (de %(low)s a %(high)s)",
        "fr": "Votre note (de %(low)s à %(high)s)",
    },
    "Your score could not be taken: %(why)s": {
        "es": "No se pudo registrar su nota: %(why)s",
        "pt": "Não foi possível registrar sua nota: %(why)s",
        "fr": "Votre note n’a pas pu être prise en compte : %(why)s",
    },
    "Your score: %(score)s": {
        "es": "Su nota: %(score)s",
        "pt": "Sua nota: %(score)s",
        "fr": "Votre note : %(score)s",
    },
    "directed by %(names)s": {
        "es": "dirigida por %(names)s",
        "pt": "dirigido por %(names)s",
        "fr": "réalisé par %(names)s",
    },
    "password:": {"es": "contraseña:", "pt": "senha:", "fr": "mot de passe :"},
    "subtitles:": {"es": "subtítulos:", "pt": "legendas:", "fr": "sous-titres :"},
}
