"""The words of the agenda page and of its calendar file."""

T: dict[str, dict[str, str]] = {
    "%(place)s, table %(table)s": {
        "es": "%(place)s, mesa %(table)s",
        "pt": "%(place)s, mesa %(table)s",
        "fr": "%(place)s, table %(table)s",
    },
    "%(session)s takes place in %(city)s, at %(venue)s, from %(start)s to %(end)s.": {
        "es": "%(session)s tiene lugar en %(city)s, en %(venue)s, del %(start)s al %(end)s.",
        "pt": "%(session)s decorre em %(city)s, em %(venue)s, de %(start)s a %(end)s.",
        "fr": "%(session)s a lieu à %(city)s, à %(venue)s, du %(start)s au %(end)s.",
    },
    "Add to my calendar (.ics)": {
        "es": "Añadir a mi calendario (.ics)",
        "pt": "Adicionar ao meu calendário (.ics)",
        "fr": "Ajouter à mon calendrier (.ics)",
    },
    "Meeting with %(partner)s about “%(film)s”": {
        "es": "Reunión con %(partner)s sobre «%(film)s»",
        "pt": "Reunião com %(partner)s sobre «%(film)s»",
        "fr": "Rendez-vous avec %(partner)s pour « %(film)s »",
    },
    "No meeting is scheduled for your film yet.": {
        "es": "Todavía no hay ninguna reunión programada para su película.",
        "pt": "Ainda não há nenhuma reunião marcada para o seu filme.",
        "fr": "Aucun rendez-vous n’est encore prévu pour votre film.",
    },
    "Screening": {"es": "Proyección", "pt": "Projeção", "fr": "Projection"},
    "Screening of “%(film)s”": {
        "es": "Proyección de «%(film)s»",
        "pt": "Projeção de «%(film)s»",
        "fr": "Projection de « %(film)s »",
    },
    "Table": {"es": "Mesa", "pt": "Mesa", "fr": "Table"},
    "The time of the screening is not set yet.": {
        "es": "La hora de la proyección aún no está fijada.",
        "pt": "A hora da projeção ainda não está definida.",
        "fr": "L’heure de la projection n’est pas encore fixée.",
    },
    "When": {"es": "Cuándo", "pt": "Quando", "fr": "Quand"},
    "With": {"es": "Con", "pt": "Com", "fr": "Avec"},
    "Your agenda at %(session)s": {
        "es": "Su agenda en %(session)s",
        "pt": "A sua agenda em %(session)s",
        "fr": "Votre agenda à %(session)s",
    },
    "Your meetings": {"es": "Sus reuniones", "pt": "As suas reuniões", "fr": "Vos rendez-vous"},
    "“%(film)s” screens on %(at)s.": {
        "es": "«%(film)s» se proyecta el %(at)s.",
        "pt": "«%(film)s» será exibido em %(at)s.",
        "fr": "« %(film)s » est projeté le %(at)s.",
    },
}
