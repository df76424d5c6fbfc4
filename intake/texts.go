package intake

import (
	"fmt"
	"strings"
)

// texts holds the desk's automatic answers in the four languages. The
// requester's language is the service's (pt-PT for the Portuguese
// services, pt-BR for the Brazilian ones).
var texts = map[string]map[string]string{
	"pt-PT": {
		"approved":            "O pedido %s foi aprovado e segue para tratamento.",
		"rejected":            "O pedido %s não foi aprovado e foi cancelado.",
		"reason":              "Motivo: %s",
		"autoclosed":          "O pedido %s foi fechado: aguardava há %d dias os dados pedidos e não recebemos resposta.",
		"restart":             "Se a situação se mantiver, envie um novo pedido com o assunto do tipo de pedido e todos os dados obrigatórios, indicando o número %s.",
		"greeting":            "Bom dia,",
		"received":            "O seu pedido foi registado com o número %s (%s).",
		"complete":            "Os dados enviados estão completos; o pedido segue para a equipa responsável.",
		"approval":            "Este pedido fica sujeito a aprovação antes de ser tratado.",
		"missing":             "Para o podermos tratar, faltam ou não estão corretos os seguintes dados:",
		"howto":               "Responda a esta mensagem (no mesmo assunto) com os dados em falta, um por linha, na forma \"Nome do dado: valor\".",
		"password":            "A sua mensagem continha uma palavra-passe, que foi removida. Por motivos de segurança, nunca envie palavras-passe à equipa de suporte nem a terceiros.",
		"keep":                "Para acrescentar informação sobre este pedido, responda a esta mensagem. Para outro assunto, envie uma mensagem nova: cada pedido deve tratar de uma só situação.",
		"unclassified":        "Não conseguimos identificar o tipo de pedido pelo assunto \"%s\". O pedido foi registado com o número %s e será classificado pela equipa de suporte.",
		"subjects":            "Para um tratamento mais rápido, use um dos assuntos seguintes:",
		"portal":              "Também pode submeter o pedido no portal: %s",
		"updated":             "Recebemos os dados adicionais do pedido %s.",
		"stillmissing":        "Ainda faltam ou não estão corretos:",
		"reopened":            "O pedido %s foi reaberto com a sua mensagem e volta à equipa responsável.",
		"linked":              "O pedido %s já estava fechado (o prazo para o reabrir é de %d dias após a resolução). A sua mensagem deu origem ao novo pedido %s, associado ao anterior.",
		"signature":           "Centro de Suporte",
		"notes":               "Notas:",
		"rate":                "O pedido %s foi resolvido. Diga-nos como correu, de 1 (muito insatisfeito) a 5 (muito satisfeito), em: %s",
		"ratechange":          "Pode alterar a sua avaliação enquanto o pedido puder ser reaberto (%d dias após a resolução).",
		"sla.first_response":  "primeira resposta",
		"sla.resolution":      "resolução",
		"sla.warning.subject": "Aviso de prazo (%s): %s",
		"sla.breach.subject":  "Prazo ultrapassado (%s): %s",
		"sla.warning":         "O pedido %s (prioridade %d, %s) está perto do prazo de %s: %s.",
		"sla.breach":          "O pedido %s (prioridade %d, %s) ultrapassou o prazo de %s: %s.",
		"sla.open":            "Abrir o pedido: %s",
	},
	"pt-BR": {
		"approved":            "A solicitação %s foi aprovada e segue para atendimento.",
		"rejected":            "A solicitação %s não foi aprovada e foi cancelada.",
		"reason":              "Motivo: %s",
		"autoclosed":          "A solicitação %s foi encerrada: aguardava há %d dias os dados solicitados e não recebemos resposta.",
		"restart":             "Se a situação persistir, abra uma nova solicitação com o assunto do tipo de solicitação e todos os dados obrigatórios, informando o número %s.",
		"greeting":            "Olá,",
		"received":            "Sua solicitação foi registrada com o número %s (%s).",
		"complete":            "Os dados enviados estão completos; a solicitação segue para a equipe responsável.",
		"approval":            "Esta solicitação depende de aprovação antes de ser atendida.",
		"missing":             "Para atendermos, faltam ou não estão corretos os seguintes dados:",
		"howto":               "Responda a esta mensagem (no mesmo assunto) com os dados faltantes, um por linha, no formato \"Nome do dado: valor\".",
		"password":            "Sua mensagem continha uma senha, que foi removida. Por segurança, nunca envie senhas à equipe de suporte nem a terceiros.",
		"keep":                "Para complementar esta solicitação, responda a esta mensagem. Para outro assunto, envie uma nova mensagem: cada solicitação deve tratar de uma só situação.",
		"unclassified":        "Não conseguimos identificar o tipo de solicitação pelo assunto \"%s\". A solicitação foi registrada com o número %s e será classificada pela equipe de suporte.",
		"subjects":            "Para um atendimento mais rápido, use um dos assuntos a seguir:",
		"portal":              "Você também pode abrir a solicitação no portal: %s",
		"updated":             "Recebemos os dados adicionais da solicitação %s.",
		"stillmissing":        "Ainda faltam ou não estão corretos:",
		"reopened":            "A solicitação %s foi reaberta com sua mensagem e volta para a equipe responsável.",
		"linked":              "A solicitação %s já estava encerrada (o prazo para reabri-la é de %d dias após a resolução). Sua mensagem gerou a nova solicitação %s, vinculada à anterior.",
		"signature":           "Central de Atendimento",
		"notes":               "Observações:",
		"rate":                "A solicitação %s foi resolvida. Conte-nos como foi o atendimento, de 1 (muito insatisfeito) a 5 (muito satisfeito), em: %s",
		"ratechange":          "Você pode alterar a sua avaliação enquanto a solicitação puder ser reaberta (%d dias após a resolução).",
		"sla.first_response":  "primeira resposta",
		"sla.resolution":      "resolução",
		"sla.warning.subject": "Alerta de prazo (%s): %s",
		"sla.breach.subject":  "Prazo estourado (%s): %s",
		"sla.warning":         "A solicitação %s (prioridade %d, %s) está perto do prazo de %s: %s.",
		"sla.breach":          "A solicitação %s (prioridade %d, %s) ultrapassou o prazo de %s: %s.",
		"sla.open":            "Abrir a solicitação: %s",
	},
	"en": {
		"approved":            "Request %s has been approved and goes on to be handled.",
		"rejected":            "Request %s was not approved and has been cancelled.",
		"reason":              "Reason: %s",
		"autoclosed":          "Request %s has been closed: it had been waiting %d days for the data we asked for and we received no answer.",
		"restart":             "If the problem remains, send a new request with the subject of its request type and all the mandatory data, quoting number %s.",
		"greeting":            "Hello,",
		"received":            "Your request has been registered as %s (%s).",
		"complete":            "The data you sent are complete; the request goes to the team in charge.",
		"approval":            "This request needs approval before it is handled.",
		"missing":             "Before we can handle it, the following data are missing or not valid:",
		"howto":               "Reply to this message (keeping the subject) with the missing data, one per line, as \"Name: value\".",
		"password":            "Your message contained a password, which was removed. For security, never send passwords to the support team or anyone else.",
		"keep":                "To add information about this request, reply to this message. For another matter, send a new message: each request should be about one situation.",
		"unclassified":        "We could not tell the request type from the subject \"%s\". The request has been registered as %s and the support team will classify it.",
		"subjects":            "For faster handling, use one of these subjects:",
		"portal":              "You can also submit the request on the portal: %s",
		"updated":             "We received the additional data for request %s.",
		"stillmissing":        "Still missing or not valid:",
		"reopened":            "Request %s has been reopened with your message and goes back to the team in charge.",
		"linked":              "Request %s was already closed (it can be reopened within %d days of its resolution). Your message opened the new request %s, linked to the earlier one.",
		"signature":           "Support Centre",
		"notes":               "Notes:",
		"rate":                "Request %s has been resolved. Tell us how it went, from 1 (very dissatisfied) to 5 (very satisfied), at: %s",
		"ratechange":          "You can change your rating for as long as the request can be reopened (%d days after its resolution).",
		"sla.first_response":  "first response",
		"sla.resolution":      "resolution",
		"sla.warning.subject": "Due soon (%s): %s",
		"sla.breach.subject":  "Overdue (%s): %s",
		"sla.warning":         "Request %s (priority %d, %s) is close to its %s target: %s.",
		"sla.breach":          "Request %s (priority %d, %s) is past its %s target: %s.",
		"sla.open":            "Open the request: %s",
	},
	"es": {
		"approved":            "La solicitud %s ha sido aprobada y pasa a tramitarse.",
		"rejected":            "La solicitud %s no ha sido aprobada y se ha cancelado.",
		"reason":              "Motivo: %s",
		"autoclosed":          "La solicitud %s se ha cerrado: llevaba %d días a la espera de los datos solicitados y no hemos recibido respuesta.",
		"restart":             "Si la situación persiste, envíe una nueva solicitud con el asunto del tipo de solicitud y todos los datos obligatorios, indicando el número %s.",
		"greeting":            "Buenos días:",
		"received":            "Su solicitud ha quedado registrada con el número %s (%s).",
		"complete":            "Los datos enviados están completos; la solicitud pasa al equipo responsable.",
		"approval":            "Esta solicitud requiere aprobación antes de ser tramitada.",
		"missing":             "Para poder tramitarla, faltan o no son correctos los siguientes datos:",
		"howto":               "Responda a este mensaje (con el mismo asunto) con los datos que faltan, uno por línea, en la forma \"Nombre del dato: valor\".",
		"password":            "Su mensaje contenía una contraseña, que ha sido eliminada. Por seguridad, no envíe nunca contraseñas al equipo de soporte ni a terceros.",
		"keep":                "Para añadir información sobre esta solicitud, responda a este mensaje. Para otro asunto, envíe un mensaje nuevo: cada solicitud debe tratar una sola situación.",
		"unclassified":        "No hemos podido identificar el tipo de solicitud por el asunto \"%s\". La solicitud ha quedado registrada con el número %s y el equipo de soporte la clasificará.",
		"subjects":            "Para una tramitación más rápida, utilice uno de los siguientes asuntos:",
		"portal":              "También puede presentar la solicitud en el portal: %s",
		"updated":             "Hemos recibido los datos adicionales de la solicitud %s.",
		"stillmissing":        "Todavía faltan o no son correctos:",
		"reopened":            "La solicitud %s se ha reabierto con su mensaje y vuelve al equipo responsable.",
		"linked":              "La solicitud %s ya estaba cerrada (puede reabrirse en los %d días siguientes a su resolución). Su mensaje ha abierto la nueva solicitud %s, vinculada a la anterior.",
		"signature":           "Centro de Soporte",
		"notes":               "Notas:",
		"rate":                "La solicitud %s se ha resuelto. Díganos qué tal, de 1 (muy insatisfecho) a 5 (muy satisfecho), en: %s",
		"ratechange":          "Puede cambiar su valoración mientras la solicitud pueda reabrirse (%d días tras su resolución).",
		"sla.first_response":  "primera respuesta",
		"sla.resolution":      "resolución",
		"sla.warning.subject": "Aviso de plazo (%s): %s",
		"sla.breach.subject":  "Plazo superado (%s): %s",
		"sla.warning":         "La solicitud %s (prioridad %d, %s) está cerca del plazo de %s: %s.",
		"sla.breach":          "La solicitud %s (prioridad %d, %s) ha superado el plazo de %s: %s.",
		"sla.open":            "Abrir la solicitud: %s",
	},
}

func text(lang, key string, args ...any) string {
	m, ok := texts[lang]
	if !ok {
		m = texts["pt-PT"]
	}
	s, ok := m[key]
	if !ok {
		s = texts["pt-PT"][key]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// answer builds an answer's text, line by line.
type answer struct {
	lang string
	b    strings.Builder
}

func (a *answer) line(s string)             { a.b.WriteString(s); a.b.WriteString("\n") }
func (a *answer) blank()                    { a.b.WriteString("\n") }
func (a *answer) t(key string, args ...any) { a.line(text(a.lang, key, args...)) }
func (a *answer) item(s string)             { a.line("  - " + s) }
func (a *answer) String() string            { return a.b.String() }
