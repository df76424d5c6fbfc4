package web

import (
	"html/template"
	"net/http"
	"strings"

	"balcao/catalog"
)

// ratingView is what the rating page shows.
type ratingView struct {
	Lang            string
	Number, Subject string
	Open            bool
	Until           string
	Score           int
	Comment         string
	Rated, Saved    bool
	Error           string
	ErrorField      string // "score" or "comment" when the error is about a field
}

// pageTexts are the rating page's words in the four languages.
var pageTexts = map[string]map[string]string{
	catalog.LangPT: {
		"title": "Avaliação do pedido", "intro": "Como avalia o tratamento do pedido %s?",
		"legend": "Satisfação", "s1": "1 – Muito insatisfeito", "s2": "2 – Insatisfeito", "s3": "3 – Nem satisfeito nem insatisfeito",
		"s4": "4 – Satisfeito", "s5": "5 – Muito satisfeito", "comment": "Comentário (opcional)", "send": "Enviar avaliação",
		"saved": "Obrigado. A sua avaliação foi registada.", "current": "A sua avaliação atual: %d de 5.",
		"change": "Pode alterá-la até %s, enquanto o pedido puder ser reaberto.", "closed": "O prazo para avaliar este pedido terminou.",
		"notresolved": "Este pedido já não pode ser avaliado.", "noscore": "Satisfação: escolha uma opção de 1 a 5.",
		"toolong": "Comentário: escreva no máximo %d caracteres.", "badlink": "Esta ligação de avaliação não é válida. Confirme que copiou o endereço completo da mensagem.",
		"badform": "O formulário não pôde ser lido; tente de novo.", "failed": "Não foi possível registar a avaliação; tente de novo dentro de momentos.",
		"error": "Erro", "language": "Idioma",
	},
	catalog.LangBR: {
		"title": "Avaliação da solicitação", "intro": "Como você avalia o atendimento da solicitação %s?",
		"legend": "Satisfação", "s1": "1 – Muito insatisfeito", "s2": "2 – Insatisfeito", "s3": "3 – Nem satisfeito nem insatisfeito",
		"s4": "4 – Satisfeito", "s5": "5 – Muito satisfeito", "comment": "Comentário (opcional)", "send": "Enviar avaliação",
		"saved": "Obrigado. Sua avaliação foi registrada.", "current": "Sua avaliação atual: %d de 5.",
		"change": "Você pode alterá-la até %s, enquanto a solicitação puder ser reaberta.", "closed": "O prazo para avaliar esta solicitação terminou.",
		"notresolved": "Esta solicitação não pode mais ser avaliada.", "noscore": "Satisfação: escolha uma opção de 1 a 5.",
		"toolong": "Comentário: escreva no máximo %d caracteres.", "badlink": "Este link de avaliação não é válido. Confira se copiou o endereço completo da mensagem.",
		"badform": "Não foi possível ler o formulário; tente novamente.", "failed": "Não foi possível registrar a avaliação; tente novamente em instantes.",
		"error": "Erro", "language": "Idioma",
	},
	catalog.LangEN: {
		"title": "Rate your request", "intro": "How would you rate the handling of request %s?",
		"legend": "Satisfaction", "s1": "1 – Very dissatisfied", "s2": "2 – Dissatisfied", "s3": "3 – Neither satisfied nor dissatisfied",
		"s4": "4 – Satisfied", "s5": "5 – Very satisfied", "comment": "Comment (optional)", "send": "Send rating",
		"saved": "Thank you. Your rating has been recorded.", "current": "Your current rating: %d out of 5.",
		"change": "You can change it until %s, while the request can be reopened.", "closed": "The period to rate this request has ended.",
		"notresolved": "This request can no longer be rated.", "noscore": "Satisfaction: choose an option from 1 to 5.",
		"toolong": "Comment: write at most %d characters.", "badlink": "This rating link is not valid. Check that you copied the whole address from the message.",
		"badform": "The form could not be read; please try again.", "failed": "The rating could not be recorded; please try again in a moment.",
		"error": "Error", "language": "Language",
	},
	catalog.LangES: {
		"title": "Valoración de la solicitud", "intro": "¿Cómo valora la atención de la solicitud %s?",
		"legend": "Satisfacción", "s1": "1 – Muy insatisfecho", "s2": "2 – Insatisfecho", "s3": "3 – Ni satisfecho ni insatisfecho",
		"s4": "4 – Satisfecho", "s5": "5 – Muy satisfecho", "comment": "Comentario (opcional)", "send": "Enviar valoración",
		"saved": "Gracias. Su valoración ha quedado registrada.", "current": "Su valoración actual: %d de 5.",
		"change": "Puede cambiarla hasta el %s, mientras la solicitud pueda reabrirse.", "closed": "El plazo para valorar esta solicitud ha terminado.",
		"notresolved": "Esta solicitud ya no puede valorarse.", "noscore": "Satisfacción: elija una opción del 1 al 5.",
		"toolong": "Comentario: escriba como máximo %d caracteres.", "badlink": "Este enlace de valoración no es válido. Compruebe que ha copiado la dirección completa del mensaje.",
		"badform": "No se pudo leer el formulario; inténtelo de nuevo.", "failed": "No se pudo registrar la valoración; inténtelo de nuevo en unos momentos.",
		"error": "Error", "language": "Idioma",
	},
}

func pageText(lang, key string) string {
	if v, ok := pageTexts[lang][key]; ok {
		return v
	}
	return pageTexts[catalog.LangPT][key]
}

// pageLang picks the page's language: ?lang= when valid, else the
// ticket's, else the browser's, else pt-PT.
func pageLang(r *http.Request, ticketLang string) string {
	if l := catalog.NormLang(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if l := catalog.NormLang(ticketLang); l != "" {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := catalog.NormLang(tag); l != "" {
			return l
		}
	}
	return catalog.LangPT
}

var ratingTmpl = template.Must(template.New("rating").Funcs(template.FuncMap{
	"t":   pageText,
	"seq": func() []int { return []int{1, 2, 3, 4, 5} },
	"sk":  func(i int) string { return "s" + string(rune('0'+i)) },
	"langs": func() []struct{ Tag, Name string } {
		return []struct{ Tag, Name string }{{catalog.LangPT, "Português (Portugal)"}, {catalog.LangBR, "Português (Brasil)"}, {catalog.LangEN, "English"}, {catalog.LangES, "Español"}}
	},
}).Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t .Lang "title"}}{{if .Number}} – {{.Number}}{{end}}</title>
<style>
body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem}
fieldset{border:1px solid #767676;padding:1rem;margin:1rem 0}
label{display:block;margin:.25rem 0}
textarea{width:100%;min-height:6rem;font:inherit;border:1px solid #767676}
button{font:inherit;padding:.5rem 1rem;background:#0b4f8a;color:#fff;border:0;border-radius:3px;cursor:pointer}
:focus-visible{outline:3px solid #c05600;outline-offset:2px}
.error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee}
.ok{border-left:4px solid #1b6e20;padding:.5rem 1rem;background:#e9f5ea}
nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
a{color:#0b4f8a}
</style>
</head>
<body>
<header>
<nav aria-label="{{t .Lang "language"}}"><ul>{{range langs}}<li><a href="?lang={{.Tag}}" lang="{{.Tag}}" hreflang="{{.Tag}}"{{if eq .Tag $.Lang}} aria-current="true"{{end}}>{{.Name}}</a></li>{{end}}</ul></nav>
</header>
<main>
<h1>{{t .Lang "title"}}</h1>
{{if .Error}}<div class="error" role="alert" id="error"><strong>{{t .Lang "error"}}:</strong> {{.Error}}</div>{{end}}
{{if .Number}}
<p>{{printf (t .Lang "intro") .Number}}<br><i>{{.Subject}}</i></p>
{{if .Saved}}<p class="ok" role="status">{{t .Lang "saved"}}</p>{{end}}
{{if .Rated}}<p>{{printf (t .Lang "current") .Score}}</p>{{end}}
{{if .Open}}
{{if .Until}}<p>{{printf (t .Lang "change") .Until}}</p>{{end}}
<form method="post" action="">
<fieldset{{if eq .ErrorField "score"}} aria-describedby="error"{{end}}>
<legend>{{t .Lang "legend"}}</legend>
{{range seq}}<label><input type="radio" name="score" value="{{.}}"{{if eq . $.Score}} checked{{end}}{{if eq . 1}} required{{end}}> {{t $.Lang (sk .)}}</label>
{{end}}</fieldset>
<label for="comment">{{t .Lang "comment"}}</label>
<textarea id="comment" name="comment" maxlength="2000"{{if eq .ErrorField "comment"}} aria-invalid="true" aria-describedby="error"{{end}}>{{.Comment}}</textarea>
<p><button type="submit">{{t .Lang "send"}}</button></p>
</form>
{{else if not .Error}}<p>{{if .Until}}{{t .Lang "closed"}}{{else}}{{t .Lang "notresolved"}}{{end}}</p>{{end}}
{{end}}
</main>
</body>
</html>
`))

func (s *Server) renderRating(w http.ResponseWriter, status int, v ratingView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := ratingTmpl.Execute(w, v); err != nil {
		s.Logger.Error("rating page", "err", err)
	}
}
