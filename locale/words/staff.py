"""The words of the staff's pages (web/staff.py, templates/web/staff_*.html.j2)."""

T: dict[str, dict[str, str]] = {
    "%(n)s message(s)": {
        "es": "%(n)s mensaje(s)",
        "pt": "%(n)s mensagem(ns)",
        "fr": "%(n)s message(s)",
    },
    "A session's messages": {
        "es": "Los mensajes de una sesión",
        "pt": "As mensagens de uma sessão",
        "fr": "Les messages d’une session",
    },
    "E-mail address": {
        "es": "Dirección de correo",
        "pt": "Endereço de e-mail",
        "fr": "Adresse e-mail",
    },
    "Film or member": {
        "es": "Película o miembro",
        "pt": "Filme ou membro",
        "fr": "Film ou membre",
    },
    "Message": {"es": "Mensaje", "pt": "Mensagem", "fr": "Message"},
    "Outbox of %(session)s": {
        "es": "Bandeja de salida de %(session)s",
        "pt": "Caixa de saída de %(session)s",
        "fr": "Boîte d’envoi de %(session)s",
    },
    "Show the outbox": {
        "es": "Ver la bandeja de salida",
        "pt": "Ver a caixa de saída",
        "fr": "Voir la boîte d’envoi",
    },
    "Sign in": {"es": "Entrar", "pt": "Entrar", "fr": "Se connecter"},
    "Sign out": {"es": "Salir", "pt": "Sair", "fr": "Se déconnecter"},
    "Signed in as %(name)s (%(email)s), %(role)s.": {
        "es": "Sesión iniciada como %(name)s (%(email)s), %(role)s.",
        "pt": "Sessão iniciada como %(name)s (%(email)s), %(role)s.",
        "fr": "Connecté·e en tant que %(name)s (%(email)s), %(role)s.",
    },
    "Staff": {"es": "Equipo", "pt": "Equipe", "fr": "Équipe"},
    "Staff sign-in": {
        "es": "Acceso del equipo",
        "pt": "Acesso da equipe",
        "fr": "Connexion de l’équipe",
    },
    "Status": {"es": "Estado", "pt": "Estado", "fr": "État"},
    "Subject": {"es": "Asunto", "pt": "Assunto", "fr": "Objet"},
    "To": {"es": "Para", "pt": "Para", "fr": "À"},
    "Wrong address or password.": {
        "es": "Dirección o contraseña incorrecta.",
        "pt": "Endereço ou senha incorretos.",
        "fr": "Adresse ou mot de passe incorrect.",
    },
}
