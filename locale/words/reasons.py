"""The eligibility rules' reasons (domain/eligibility.py) and the words they carry (genres,
post-production stages), as the needs-fix and ineligible messages and the fix form say them."""

T: dict[str, dict[str, str]] = {
    "%(host)s is not a streaming platform we accept (%(platforms)s).": {
        "es": "%(host)s no es una plataforma de streaming que aceptemos (%(platforms)s).",
        "pt": "%(host)s não é uma plataforma de streaming que aceitemos (%(platforms)s).",
        "fr": "%(host)s n’est pas une plateforme de streaming que nous acceptons (%(platforms)s).",
    },
    "Download links (%(host)s) are not accepted: please send a private streaming link.": {
        "es": "No se aceptan enlaces de descarga (%(host)s): envíe un enlace privado de streaming.",
        "pt": "Links de download (%(host)s) não são aceitos: envie um link privado de streaming.",
        "fr": "Les liens de téléchargement (%(host)s) ne sont pas acceptés : envoyez un lien "
        "de streaming privé.",
    },
    "Expected runtime of %(minutes)s minutes is within the programme's limits.": {
        "es": "La duración prevista de %(minutes)s minutos está dentro de los límites del "
        "programa.",
        "pt": "A duração prevista de %(minutes)s minutos está dentro dos limites do programa.",
        "fr": "La durée prévue de %(minutes)s minutes respecte les limites du programme.",
    },
    "Films of this genre are accepted: %(genre)s.": {
        "es": "Se aceptan películas de este género: %(genre)s.",
        "pt": "Filmes deste gênero são aceitos: %(genre)s.",
        "fr": "Les films de ce genre sont acceptés : %(genre)s.",
    },
    "First entry of this film in this programme.": {
        "es": "Primera inscripción de esta película en este programa.",
        "pt": "Primeira inscrição deste filme neste programa.",
        "fr": "Première inscription de ce film à ce programme.",
    },
    "Latin American producers hold %(share)s%% of the film.": {
        "es": "Las productoras latinoamericanas tienen el %(share)s %% de la película.",
        "pt": "As produtoras latino-americanas detêm %(share)s%% do filme.",
        "fr": "Les producteurs latino-américains détiennent %(share)s %% du film.",
    },
    "Latin American producers hold %(share)s%% of the film; this programme asks for at least "
    "%(min)s%%.": {
        "es": "Las productoras latinoamericanas tienen el %(share)s %% de la película; este "
        "programa exige al menos el %(min)s %%.",
        "pt": "As produtoras latino-americanas detêm %(share)s%% do filme; este programa exige "
        "pelo menos %(min)s%%.",
        "fr": "Les producteurs latino-américains détiennent %(share)s %% du film ; ce programme "
        "demande au moins %(min)s %%.",
    },
    "Latin American producers hold %(share)s%% of the film; this programme asks for more than "
    "%(min)s%%.": {
        "es": "Las productoras latinoamericanas tienen el %(share)s %% de la película; este "
        "programa exige más del %(min)s %%.",
        "pt": "As produtoras latino-americanas detêm %(share)s%% do filme; este programa exige "
        "mais de %(min)s%%.",
        "fr": "Les producteurs latino-américains détiennent %(share)s %% du film ; ce programme "
        "demande plus de %(min)s %%.",
    },
    "No sales agent attached.": {
        "es": "Sin agente de ventas.",
        "pt": "Sem agente de vendas.",
        "fr": "Pas de vendeur international.",
    },
    "Not corrected by %(deadline)s.": {
        "es": "No se corrigió antes del %(deadline)s.",
        "pt": "Não foi corrigido até %(deadline)s.",
        "fr": "Non corrigé avant le %(deadline)s.",
    },
    "Private streaming link on %(host)s.": {
        "es": "Enlace privado de streaming en %(host)s.",
        "pt": "Link privado de streaming em %(host)s.",
        "fr": "Lien de streaming privé sur %(host)s.",
    },
    "Shooting is finished and the film is in post-production.": {
        "es": "El rodaje ha terminado y la película está en posproducción.",
        "pt": "As filmagens terminaram e o filme está em pós-produção.",
        "fr": "Le tournage est terminé et le film est en postproduction.",
    },
    "Shooting must be finished: this programme supports post-production only.": {
        "es": "El rodaje debe haber terminado: este programa apoya solo la posproducción.",
        "pt": "As filmagens devem estar concluídas: este programa apoia apenas a pós-produção.",
        "fr": "Le tournage doit être terminé : ce programme ne soutient que la postproduction.",
    },
    "The cut runs %(minutes)s minutes.": {
        "es": "El corte dura %(minutes)s minutos.",
        "pt": "O corte tem %(minutes)s minutos.",
        "fr": "La version dure %(minutes)s minutes.",
    },
    "The cut you sent runs %(minutes)s minutes; please send a cut of at least %(min)s minutes.": {
        "es": "El corte que envió dura %(minutes)s minutos; envíe un corte de al menos "
        "%(min)s minutos.",
        "pt": "O corte que enviou tem %(minutes)s minutos; envie um corte de pelo menos "
        "%(min)s minutos.",
        "fr": "La version envoyée dure %(minutes)s minutes ; envoyez une version d’au moins "
        "%(min)s minutes.",
    },
    "The cut you sent runs %(minutes)s minutes; please send a cut of at most %(max)s minutes.": {
        "es": "El corte que envió dura %(minutes)s minutos; envíe un corte de como máximo "
        "%(max)s minutos.",
        "pt": "O corte que enviou tem %(minutes)s minutos; envie um corte de no máximo "
        "%(max)s minutos.",
        "fr": "La version envoyée dure %(minutes)s minutes ; envoyez une version d’au plus "
        "%(max)s minutes.",
    },
    "The dialogue is in %(languages)s: please send a screener with subtitles in %(accepted)s.": {
        "es": "Los diálogos están en %(languages)s: envíe un enlace de visionado con subtítulos "
        "en %(accepted)s.",
        "pt": "Os diálogos estão em %(languages)s: envie um link de visionamento com legendas "
        "em %(accepted)s.",
        "fr": "Les dialogues sont en %(languages)s : envoyez un lien de visionnage sous-titré "
        "en %(accepted)s.",
    },
    "The dialogue needs no subtitles for the committee.": {
        "es": "Los diálogos no necesitan subtítulos para el comité.",
        "pt": "Os diálogos não precisam de legendas para o comitê.",
        "fr": "Les dialogues n’ont pas besoin de sous-titres pour le comité.",
    },
    "The edit is at the %(stage)s stage; this programme asks for at least a %(wanted)s.": {
        "es": "El montaje está en la etapa de %(stage)s; este programa pide como mínimo: "
        "%(wanted)s.",
        "pt": "A montagem está na etapa de %(stage)s; este programa pede no mínimo: %(wanted)s.",
        "fr": "Le montage en est au stade « %(stage)s » ; ce programme demande au moins : "
        "%(wanted)s.",
    },
    "The film already has a sales agent (%(agent)s); this programme is for films without one.": {
        "es": "La película ya tiene agente de ventas (%(agent)s); este programa es para "
        "películas sin agente.",
        "pt": "O filme já tem agente de vendas (%(agent)s); este programa é para filmes sem "
        "agente.",
        "fr": "Le film a déjà un vendeur international (%(agent)s) ; ce programme est destiné "
        "aux films qui n’en ont pas.",
    },
    "The finished film is expected to run %(minutes)s minutes; this programme takes feature "
    "films of at least %(min)s minutes.": {
        "es": "La película terminada durará %(minutes)s minutos; este programa acepta "
        "largometrajes de al menos %(min)s minutos.",
        "pt": "O filme finalizado terá %(minutes)s minutos; este programa aceita longas-metragens "
        "de pelo menos %(min)s minutos.",
        "fr": "Le film terminé devrait durer %(minutes)s minutes ; ce programme accepte des "
        "longs métrages d’au moins %(min)s minutes.",
    },
    "The finished film is expected to run %(minutes)s minutes; this programme takes films of at "
    "most %(max)s minutes.": {
        "es": "La película terminada durará %(minutes)s minutos; este programa acepta películas "
        "de como máximo %(max)s minutos.",
        "pt": "O filme finalizado terá %(minutes)s minutos; este programa aceita filmes de no "
        "máximo %(max)s minutos.",
        "fr": "Le film terminé devrait durer %(minutes)s minutes ; ce programme accepte des "
        "films d’au plus %(max)s minutes.",
    },
    "The majority producer (%(company)s, %(country)s) must be Latin American.": {
        "es": "La productora mayoritaria (%(company)s, %(country)s) debe ser latinoamericana.",
        "pt": "A produtora majoritária (%(company)s, %(country)s) deve ser latino-americana.",
        "fr": "Le producteur majoritaire (%(company)s, %(country)s) doit être latino-américain.",
    },
    "The screener carries accepted subtitles.": {
        "es": "El enlace de visionado tiene subtítulos aceptados.",
        "pt": "O link de visionamento tem legendas aceitas.",
        "fr": "Le lien de visionnage a des sous-titres acceptés.",
    },
    "The screener is public: please restrict it with a password or make it unlisted.": {
        "es": "El enlace de visionado es público: protéjalo con contraseña o hágalo no listado.",
        "pt": "O link de visionamento é público: proteja-o com senha ou torne-o não listado.",
        "fr": "Le lien de visionnage est public : protégez-le par un mot de passe ou rendez-le "
        "non répertorié.",
    },
    "This film was already entered in an earlier session of this programme (%(sessions)s), "
    "which does not accept it again.": {
        "es": "Esta película ya se inscribió en una sesión anterior de este programa "
        "(%(sessions)s), que no la acepta de nuevo.",
        "pt": "Este filme já foi inscrito numa sessão anterior deste programa (%(sessions)s), "
        "que não o aceita novamente.",
        "fr": "Ce film a déjà été inscrit à une session précédente de ce programme "
        "(%(sessions)s), qui ne l’accepte pas une seconde fois.",
    },
    "This programme takes %(allowed)s films; this film is %(genre)s.": {
        "es": "Este programa acepta películas de género %(allowed)s; esta película es de género "
        "%(genre)s.",
        "pt": "Este programa aceita filmes do gênero %(allowed)s; este filme é do gênero "
        "%(genre)s.",
        "fr": "Ce programme accepte les films du genre %(allowed)s ; ce film est du genre "
        "%(genre)s.",
    },
    "animation": {"es": "animación", "pt": "animação", "fr": "animation"},
    "assembly": {"es": "primer ensamblaje", "pt": "montagem inicial", "fr": "ours"},
    "documentary": {"es": "documental", "pt": "documentário", "fr": "documentaire"},
    "fiction": {"es": "ficción", "pt": "ficção", "fr": "fiction"},
    "fine cut": {"es": "corte fino", "pt": "corte fino", "fr": "montage fin"},
    "first cut": {"es": "primer corte", "pt": "primeiro corte", "fr": "premier montage"},
    "hybrid": {"es": "híbrido", "pt": "híbrido", "fr": "hybride"},
    "picture lock": {"es": "corte final", "pt": "montagem fechada", "fr": "montage image final"},
    "rough cut": {"es": "premontaje", "pt": "primeira montagem", "fr": "prémontage"},
}
