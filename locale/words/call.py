"""The words of the public call page (web/call.py, templates/web/call.html.j2) and of the
field errors of the forms (web/forms.py)."""

T: dict[str, dict[str, str]] = {
    "A number, please.": {
        "es": "Un número, por favor.",
        "pt": "Um número, por favor.",
        "fr": "Un nombre, s’il vous plaît.",
    },
    "A private streaming link (Vimeo, YouTube...), not a download.": {
        "es": "Un enlace privado de streaming (Vimeo, YouTube...), no una descarga.",
        "pt": "Um link privado de streaming (Vimeo, YouTube...), não um download.",
        "fr": "Un lien de streaming privé (Vimeo, YouTube...), pas un téléchargement.",
    },
    "A screener protected by a password needs its password.": {
        "es": "Un screener protegido con contraseña necesita su contraseña.",
        "pt": "Um screener protegido por senha precisa da sua senha.",
        "fr": "Un screener protégé par un mot de passe a besoin de son mot de passe.",
    },
    "A web address, please, starting with https://.": {
        "es": "Una dirección web, por favor, que empiece por https://.",
        "pt": "Um endereço web, por favor, começando por https://.",
        "fr": "Une adresse web, s’il vous plaît, commençant par https://.",
    },
    "A whole number, please.": {
        "es": "Un número entero, por favor.",
        "pt": "Um número inteiro, por favor.",
        "fr": "Un nombre entier, s’il vous plaît.",
    },
    "Access": {"es": "Acceso", "pt": "Acesso", "fr": "Accès"},
    "At least %(ge)s, please.": {
        "es": "Al menos %(ge)s, por favor.",
        "pt": "Pelo menos %(ge)s, por favor.",
        "fr": "Au moins %(ge)s, s’il vous plaît.",
    },
    "At most %(le)s, please.": {
        "es": "Como máximo %(le)s, por favor.",
        "pt": "No máximo %(le)s, por favor.",
        "fr": "Au plus %(le)s, s’il vous plaît.",
    },
    "At most %(max_length)s characters.": {
        "es": "Como máximo %(max_length)s caracteres.",
        "pt": "No máximo %(max_length)s caracteres.",
        "fr": "Au plus %(max_length)s caractères.",
    },
    "At most 3,000 characters.": {
        "es": "Como máximo 3.000 caracteres.",
        "pt": "No máximo 3.000 caracteres.",
        "fr": "Au plus 3 000 caractères.",
    },
    "At most two decimals.": {
        "es": "Como máximo dos decimales.",
        "pt": "No máximo duas casas decimais.",
        "fr": "Au plus deux décimales.",
    },
    "Choose a country from the list.": {
        "es": "Elija un país de la lista.",
        "pt": "Escolha um país da lista.",
        "fr": "Choisissez un pays dans la liste.",
    },
    "Choose a language from the list.": {
        "es": "Elija un idioma de la lista.",
        "pt": "Escolha uma língua da lista.",
        "fr": "Choisissez une langue dans la liste.",
    },
    "Choose one of the options.": {
        "es": "Elija una de las opciones.",
        "pt": "Escolha uma das opções.",
        "fr": "Choisissez l’une des options.",
    },
    "Country": {"es": "País", "pt": "País", "fr": "Pays"},
    "Currency": {"es": "Moneda", "pt": "Moeda", "fr": "Devise"},
    "DCP": {"es": "DCP", "pt": "DCP", "fr": "DCP"},
    "Direction": {"es": "Dirección", "pt": "Realização", "fr": "Réalisation"},
    "Director's name": {
        "es": "Nombre del director o directora",
        "pt": "Nome do realizador ou realizadora",
        "fr": "Nom du réalisateur ou de la réalisatrice",
    },
    "English title": {"es": "Título en inglés", "pt": "Título em inglês", "fr": "Titre anglais"},
    "Expected runtime of the finished film (minutes)": {
        "es": "Duración prevista de la película terminada (minutos)",
        "pt": "Duração prevista do filme pronto (minutos)",
        "fr": "Durée prévue du film terminé (minutes)",
    },
    "Financing and needs": {
        "es": "Financiación y necesidades",
        "pt": "Financiamento e necessidades",
        "fr": "Financement et besoins",
    },
    "Financing secured": {
        "es": "Financiación asegurada",
        "pt": "Financiamento garantido",
        "fr": "Financement acquis",
    },
    "First feature": {"es": "Ópera prima", "pt": "Primeira longa", "fr": "Premier long métrage"},
    "Genre": {"es": "Género", "pt": "Gênero", "fr": "Genre"},
    "Give at least %(min_length)s.": {
        "es": "Indique al menos %(min_length)s.",
        "pt": "Indique pelo menos %(min_length)s.",
        "fr": "Indiquez-en au moins %(min_length)s.",
    },
    "Give at most %(max_length)s.": {
        "es": "Indique como máximo %(max_length)s.",
        "pt": "Indique no máximo %(max_length)s.",
        "fr": "Indiquez-en au plus %(max_length)s.",
    },
    "Hold Ctrl (or ⌘) to choose several.": {
        "es": "Mantenga Ctrl (o ⌘) para elegir varios.",
        "pt": "Mantenha Ctrl (ou ⌘) para escolher vários.",
        "fr": "Maintenez Ctrl (ou ⌘) pour en choisir plusieurs.",
    },
    "If it has one.": {"es": "Si lo tiene.", "pt": "Se tiver.", "fr": "S’il en a un."},
    "Language of our messages": {
        "es": "Idioma de nuestros mensajes",
        "pt": "Língua das nossas mensagens",
        "fr": "Langue de nos messages",
    },
    "Languages of the dialogue": {
        "es": "Idiomas de los diálogos",
        "pt": "Línguas dos diálogos",
        "fr": "Langues des dialogues",
    },
    "Leave empty if the film has none.": {
        "es": "Déjelo vacío si la película no tiene.",
        "pt": "Deixe vazio se o filme não tiver.",
        "fr": "Laissez vide si le film n’en a pas.",
    },
    "Less than %(lt)s, please.": {
        "es": "Menos de %(lt)s, por favor.",
        "pt": "Menos de %(lt)s, por favor.",
        "fr": "Moins de %(lt)s, s’il vous plaît.",
    },
    "Link to the cut": {
        "es": "Enlace al corte",
        "pt": "Link para o corte",
        "fr": "Lien vers le montage",
    },
    "Logline": {"es": "Logline", "pt": "Logline", "fr": "Logline"},
    "Majority producer": {
        "es": "Productor mayoritario",
        "pt": "Produtor majoritário",
        "fr": "Producteur majoritaire",
    },
    "More than %(gt)s, please.": {
        "es": "Más de %(gt)s, por favor.",
        "pt": "Mais de %(gt)s, por favor.",
        "fr": "Plus de %(gt)s, s’il vous plaît.",
    },
    "Music": {"es": "Música", "pt": "Música", "fr": "Musique"},
    "Nationality": {"es": "Nacionalidad", "pt": "Nacionalidade", "fr": "Nationalité"},
    "One sentence, at most 300 characters.": {
        "es": "Una frase, como máximo 300 caracteres.",
        "pt": "Uma frase, no máximo 300 caracteres.",
        "fr": "Une phrase, 300 caractères au plus.",
    },
    "Only one producer can be the majority producer.": {
        "es": "Solo un productor puede ser el mayoritario.",
        "pt": "Só um produtor pode ser o majoritário.",
        "fr": "Un seul producteur peut être majoritaire.",
    },
    "Optional.": {"es": "Opcional.", "pt": "Opcional.", "fr": "Facultatif."},
    "Original title": {"es": "Título original", "pt": "Título original", "fr": "Titre original"},
    "Password": {"es": "Contraseña", "pt": "Senha", "fr": "Mot de passe"},
    "Phone": {"es": "Teléfono", "pt": "Telefone", "fr": "Téléphone"},
    "Please fill this in.": {
        "es": "Complete este campo, por favor.",
        "pt": "Preencha este campo, por favor.",
        "fr": "Merci de remplir ce champ.",
    },
    "Post-production budget still missing": {
        "es": "Presupuesto de posproducción que aún falta",
        "pt": "Orçamento de pós-produção ainda em falta",
        "fr": "Budget de postproduction encore manquant",
    },
    "Post-production work still to fund": {
        "es": "Trabajos de posproducción por financiar",
        "pt": "Trabalhos de pós-produção por financiar",
        "fr": "Travaux de postproduction à financer",
    },
    "Production": {"es": "Producción", "pt": "Produção", "fr": "Production"},
    "Production company": {"es": "Productora", "pt": "Produtora", "fr": "Société de production"},
    "Runtime of the cut you send (minutes)": {
        "es": "Duración del corte que envía (minutos)",
        "pt": "Duração do corte que envia (minutos)",
        "fr": "Durée du montage envoyé (minutes)",
    },
    "Secured financing cannot exceed the total budget.": {
        "es": "La financiación asegurada no puede superar el presupuesto total.",
        "pt": "O financiamento garantido não pode ultrapassar o orçamento total.",
        "fr": "Le financement acquis ne peut dépasser le budget total.",
    },
    "Share (%)": {"es": "Participación (%)", "pt": "Participação (%)", "fr": "Part (%)"},
    "Shooting is finished": {
        "es": "El rodaje ha terminado",
        "pt": "As filmagens terminaram",
        "fr": "Le tournage est terminé",
    },
    "Shown before?": {
        "es": "¿Se ha mostrado antes?",
        "pt": "Já foi exibido?",
        "fr": "Déjà montré ?",
    },
    "Shown only to the committee.": {
        "es": "Solo la verá el comité.",
        "pt": "Só o comitê a verá.",
        "fr": "Seul le comité le verra.",
    },
    "Sound editing": {"es": "Montaje de sonido", "pt": "Edição de som", "fr": "Montage son"},
    "Submit a film to %(session)s": {
        "es": "Inscribir una película en %(session)s",
        "pt": "Inscrever um filme em %(session)s",
        "fr": "Inscrire un film à %(session)s",
    },
    "Submit the film": {
        "es": "Inscribir la película",
        "pt": "Inscrever o filme",
        "fr": "Inscrire le film",
    },
    "Subtitles on the cut": {
        "es": "Subtítulos del corte",
        "pt": "Legendas do corte",
        "fr": "Sous-titres du montage",
    },
    "Synopsis": {"es": "Sinopsis", "pt": "Sinopse", "fr": "Synopsis"},
    "Thank you: “%(film)s” is received. We sent you a message with the link to its page.": {
        "es": "Gracias: hemos recibido «%(film)s». Le enviamos un mensaje con el enlace a su "
        "página.",
        "pt": "Obrigado: recebemos «%(film)s». Enviámos-lhe uma mensagem com o link para a sua "
        "página.",
        "fr": "Merci : « %(film)s » est bien reçu. Nous vous avons envoyé un message avec le lien "
        "vers sa page.",
    },
    "The call closes on %(deadline)s.": {
        "es": "La convocatoria cierra el %(deadline)s.",
        "pt": "As inscrições encerram em %(deadline)s.",
        "fr": "L’appel se clôt le %(deadline)s.",
    },
    "The call for this session is closed: it takes no more films.": {
        "es": "La convocatoria de esta sesión está cerrada: no admite más películas.",
        "pt": "As inscrições desta sessão estão encerradas: não aceita mais filmes.",
        "fr": "L’appel de cette session est clos : il n’accepte plus de films.",
    },
    "The cut for the committee": {
        "es": "El corte para el comité",
        "pt": "O corte para o comitê",
        "fr": "Le montage pour le comité",
    },
    "The film": {"es": "La película", "pt": "O filme", "fr": "Le film"},
    "The producers' shares must add up to 100%% (they add up to %(total)s%%).": {
        "es": "Las participaciones de los productores deben sumar 100%% (suman %(total)s%%).",
        "pt": "As participações dos produtores devem somar 100%% (somam %(total)s%%).",
        "fr": "Les parts des producteurs doivent faire 100 %% au total (elles font %(total)s %%).",
    },
    "The shares add up to 100.": {
        "es": "Las participaciones suman 100.",
        "pt": "As participações somam 100.",
        "fr": "Les parts font 100 au total.",
    },
    "This is not an e-mail address.": {
        "es": "Esto no es una dirección de correo electrónico.",
        "pt": "Isto não é um endereço de e-mail.",
        "fr": "Ce n’est pas une adresse électronique.",
    },
    "Total budget": {"es": "Presupuesto total", "pt": "Orçamento total", "fr": "Budget total"},
    "Visual effects": {"es": "Efectos visuales", "pt": "Efeitos visuais", "fr": "Effets visuels"},
    "We write to you here, and only here.": {
        "es": "Le escribimos aquí, y solo aquí.",
        "pt": "Escrevemos-lhe aqui, e só aqui.",
        "fr": "Nous vous écrivons ici, et seulement ici.",
    },
    "Where the edit is": {
        "es": "Estado del montaje",
        "pt": "Estado da montagem",
        "fr": "Où en est le montage",
    },
    "Who we write to": {
        "es": "A quién escribimos",
        "pt": "A quem escrevemos",
        "fr": "À qui nous écrivons",
    },
    "Write it on a single line.": {
        "es": "Escríbalo en una sola línea.",
        "pt": "Escreva-o numa só linha.",
        "fr": "Écrivez-le sur une seule ligne.",
    },
    "Your e-mail address": {
        "es": "Su correo electrónico",
        "pt": "O seu e-mail",
        "fr": "Votre adresse électronique",
    },
    "Your name": {"es": "Su nombre", "pt": "O seu nome", "fr": "Votre nom"},
    "not shown anywhere yet": {
        "es": "aún no se ha mostrado",
        "pt": "ainda não foi exibido",
        "fr": "pas encore montré",
    },
    "protected by a password": {
        "es": "protegido con contraseña",
        "pt": "protegido por senha",
        "fr": "protégé par un mot de passe",
    },
    "public": {"es": "público", "pt": "público", "fr": "public"},
    "released": {"es": "estrenada", "pt": "lançado", "fr": "sorti en salles"},
    "screened at a festival": {
        "es": "proyectada en un festival",
        "pt": "exibido num festival",
        "fr": "projeté dans un festival",
    },
    "unlisted": {"es": "no listado", "pt": "não listado", "fr": "non répertorié"},
    "“%(film)s” was already received: it is entered once, and nothing changed.": {
        "es": "«%(film)s» ya se había recibido: está inscrita una sola vez, y nada cambió.",
        "pt": "«%(film)s» já tinha sido recebido: está inscrito uma só vez, e nada mudou.",
        "fr": "« %(film)s » était déjà reçu : il est inscrit une seule fois, et rien n’a changé.",
    },
}
