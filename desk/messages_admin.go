package desk

// adminMessages are the texts of the search, notification and
// administration pages; init merges them into messages, so the same
// completeness test covers them.
var adminMessages = map[string]msg{
	"nav.notifications": {"Notificações", "Notificações", "Notifications", "Notificaciones"},
	"nav.unread":        {"(%s por ler)", "(%s não lidas)", "(%s unread)", "(%s sin leer)"},
	"nav.admin":         {"Administração", "Administração", "Administration", "Administración"},

	"search.label":  {"Pesquisar pedidos", "Pesquisar chamados", "Search tickets", "Buscar solicitudes"},
	"search.submit": {"Pesquisar", "Pesquisar", "Search", "Buscar"},
	"search.title":  {"Pesquisa", "Pesquisa", "Search", "Búsqueda"},
	"search.field":  {"Texto a pesquisar", "Texto a pesquisar", "Text to search for", "Texto a buscar"},
	"search.hint": {"Um número de pedido (SD-2026-000123), um identificador (NISS, NNU, CPF…) ou palavras; os acentos não contam.",
		"Um número de chamado (SD-2026-000123), um identificador (NISS, NNU, CPF…) ou palavras; os acentos não contam.",
		"A ticket number (SD-2026-000123), an identifier (NISS, NNU, CPF…) or words; accents do not matter.",
		"Un número de solicitud (SD-2026-000123), un identificador (NISS, NNU, CPF…) o palabras; los acentos no cuentan."},
	"search.empty": {"Texto a pesquisar: escreva uma palavra, um número de pedido ou um identificador.",
		"Texto a pesquisar: digite uma palavra, um número de chamado ou um identificador.",
		"Text to search for: type a word, a ticket number or an identifier.",
		"Texto a buscar: escriba una palabra, un número de solicitud o un identificador."},
	"search.long": {"Texto a pesquisar: tem %d caracteres; encurte-o para %d no máximo.",
		"Texto a pesquisar: tem %d caracteres; encurte para no máximo %d.",
		"Text to search for: it is %d characters long; shorten it to %d at most.",
		"Texto a buscar: tiene %d caracteres; acórtelo a %d como máximo."},
	"search.caption": {"Resultados para «%s»: %s nesta página", "Resultados para “%s”: %s nesta página",
		"Results for “%s”: %s on this page", "Resultados para «%s»: %s en esta página"},
	"search.none": {"Nenhum pedido que possa ver corresponde à pesquisa. Experimente outras palavras ou menos palavras.",
		"Nenhum chamado que você possa ver corresponde à pesquisa. Tente outras palavras ou menos palavras.",
		"No ticket you can see matches. Try other or fewer words.",
		"Ninguna solicitud que pueda ver coincide. Pruebe otras palabras o menos palabras."},

	"notifications.title":   {"Notificações", "Notificações", "Notifications", "Notificaciones"},
	"notifications.unread":  {"Notificações por ler: %d.", "Notificações não lidas: %d.", "Unread notifications: %d.", "Notificaciones sin leer: %d."},
	"notifications.caption": {"As notificações mais recentes", "As notificações mais recentes", "The latest notifications", "Las notificaciones más recientes"},
	"notifications.when":    {"Quando", "Quando", "When", "Cuándo"},
	"notifications.kind":    {"Tipo", "Tipo", "Kind", "Tipo"},
	"notifications.body":    {"Mensagem", "Mensagem", "Message", "Mensaje"},
	"notifications.new":     {"nova", "nova", "new", "nueva"},
	"notifications.none":    {"Não tem notificações.", "Você não tem notificações.", "You have no notifications.", "No tiene notificaciones."},
	"notifications.markread": {"Marcar todas como lidas", "Marcar todas como lidas", "Mark all as read",
		"Marcar todas como leídas"},
	"notifications.done":       {"Notificações marcadas como lidas.", "Notificações marcadas como lidas.", "Notifications marked as read.", "Notificaciones marcadas como leídas."},
	"notification.sla_warning": {"SLA em risco", "SLA em risco", "SLA at risk", "SLA en riesgo"},
	"notification.sla_breach":  {"SLA ultrapassado", "SLA violado", "SLA breached", "SLA incumplido"},
	"notification.other":       {"Aviso", "Aviso", "Notice", "Aviso"},
}
