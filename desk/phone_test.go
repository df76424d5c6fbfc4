package desk_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"balcao"
	"balcao/catalog"
	"balcao/desk"
)

func TestPhone(t *testing.T) { onBothDatabases(t, testPhone, withReplier) }

func testPhone(t *testing.T, e *env) {
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/phone")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/desk/phone">Registar chamada</a>`, `<label for="request_type">`, `action="/desk/phone/note"`)
	wantNotBody(t, r, `name="f.descricao"`, "/desk/canned")
	r = e.get(c, "/desk/phone?type=cit-d1")
	wantBody(t, r, `<input type="hidden" name="request_type" value="cit-d1">`, `name="f.descricao"`, `name="f.utente.nnu"`, `name="f.cit[0].boletim"`,
		`value="CIT – Problema/Erro aplicação local (SAM-CS)"`)

	// Errors name the field: the address, and a value given but not valid.
	form := url.Values{"request_type": {"cit-d1"}, "email": {"ana"}, "f.descricao": {"Erro ao imprimir o CIT"}, "f.cedula": {"45123"}, "f.utente.nnu": {"abc"}}
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Email do requerente: escreva um endereço válido", `href="#email"`, `href="#f-utente.nnu"`, "Identificação do utente – Número de utente (SNS): o número de utente tem 9 algarismos", `>Erro ao imprimir o CIT</textarea>`)
	r = e.post(c, "/desk/phone", url.Values{"request_type": {"nope"}, "email": {"ana@usf.pt"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Tipo de pedido: escolha um tipo da lista.")

	// Missing data do not stop the ticket: it waits for the requester.
	form.Set("email", "Ana.Costa@usf.min-saude.pt")
	form.Del("f.utente.nnu")
	form.Set("name", "Ana Costa")
	form.Set("notes", "Ligou a dizer que o CIT não imprime.")
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.h.Get("Location")
	if !strings.HasSuffix(loc, "?done=phone") {
		t.Fatalf("to %q", loc)
	}
	n, _ := balcao.ParseTicketNumber(strings.TrimSuffix(strings.TrimPrefix(loc, "/desk/tickets/"), "?done=phone"))
	tk, err := e.store.TicketByNumber(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != balcao.ChannelPhone || tk.Status != balcao.StatusPendingRequester || tk.RequesterEmail != "ana.costa@usf.min-saude.pt" ||
		tk.TeamID != e.cit.ID || tk.Fields["cedula"] != "45123" || len(tk.Missing) == 0 || tk.RequestType != "cit-d1" {
		t.Fatalf("phone ticket %+v", tk)
	}
	wantBody(t, e.get(c, loc), "Pedido registado a partir da chamada.", "Recebida · Telefone", "Ligou a dizer que o CIT não imprime.")

	// The WebRNU option: the caller is sent the subject and the mandatory data.
	r = e.post(c, "/desk/phone", url.Values{"request_type": {"webrnu-a"}, "email": {"rui@usf.min-saude.pt"}, "byemail": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	page, _ := e.store.ListTickets(ctx, balcao.TicketFilter{RequesterEmail: "rui@usf.min-saude.pt"})
	if len(page.Tickets) != 1 || page.Tickets[0].Status != balcao.StatusPendingRequester {
		t.Fatalf("byemail tickets %+v", page.Tickets)
	}
	msgs, _ := e.store.Messages(ctx, page.Tickets[0].ID)
	if len(msgs) != 1 || msgs[0].Direction != balcao.DirectionOut || !strings.Contains(msgs[0].Text, `"WebRNU – Criação de acesso"`) ||
		!strings.Contains(msgs[0].Text, "servicedesk@spms.min-saude.pt") || !strings.Contains(msgs[0].Text, "  - ") {
		t.Fatalf("message to the caller %+v", msgs)
	}

	// A call about an existing ticket.
	r = e.post(c, "/desk/phone/note", url.Values{"number": {"SD-2026-999999"}, "call_notes": {" "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Número do pedido: não há nenhum pedido", "Notas da chamada: escreva o que foi dito", `href="#number"`, `href="#call_notes"`)
	r = e.post(c, "/desk/phone/note", url.Values{"number": {string(tk.Number)}, "call_notes": {"Voltou a ligar: urgente."}})
	wantStatus(t, r, http.StatusSeeOther)
	msgs, _ = e.store.Messages(ctx, tk.ID)
	last := msgs[len(msgs)-1]
	if last.Channel != balcao.ChannelPhone || last.Text != "Voltou a ligar: urgente." || last.AuthorID != e.agent.ID {
		t.Fatalf("call note %+v", last)
	}
}

// testCatalog is the default catalogue with a service of test request
// types: fields with help, and a repeatable group of at most 2 items.
func testCatalog(t *testing.T) *catalog.Catalog {
	layer := map[string][]byte{}
	entries, _ := fs.Glob(catalog.DefaultFiles(), "default/*.yaml")
	for _, name := range entries {
		b, err := fs.ReadFile(catalog.DefaultFiles(), name)
		if err != nil {
			t.Fatal(err)
		}
		layer[name] = b
	}
	ops := `services:
  - code: teste
    name: {pt-PT: Teste, pt-BR: Teste, en: Test, es: Prueba}
    language: pt-PT
    address: teste@desk.pt
    request_types:
      - code: teste-a
        title: {pt-PT: Pedido de teste, pt-BR: Pedido de teste, en: Test request, es: Solicitud de prueba}
        subject: "Teste – A"
        team: spms-cit
        impact: 2
        urgency: 2
        channels: [email, phone]
        fields:
          - key: local
            label: {pt-PT: Local, pt-BR: Local, en: Place, es: Lugar}
            type: text
            max_len: 60
            help: {pt-PT: "O serviço ou a sala.", pt-BR: "O serviço ou a sala.", en: "The ward or the room.", es: "El servicio o la sala."}
          - key: pessoas
            label: {pt-PT: Pessoas, pt-BR: Pessoas, en: People, es: Personas}
            item_label: {pt-PT: Pessoa, pt-BR: Pessoa, en: Person, es: Persona}
            repeat: true
            min: 1
            max: 2
            fields:
              - key: nome
                label: {pt-PT: Nome, pt-BR: Nome, en: Name, es: Nombre}
                type: text
                required: true
              - key: niss
                label: {pt-PT: NISS, pt-BR: NISS, en: NISS, es: NISS}
                type: niss
`
	c, problems := catalog.Parse(layer, map[string][]byte{"teste.yaml": []byte(ops)})
	if len(problems) > 0 {
		t.Fatalf("test catalogue: %v", problems)
	}
	return c
}

// The phone form draws each field as its type asks, adds items to a
// repeatable group without JavaScript, and keeps every value typed.
func TestPhoneInputs(t *testing.T) { onBothDatabases(t, testPhoneInputs, withReplier) }

func testPhoneInputs(t *testing.T, e *env) {
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/phone?type=cit-a1")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r,
		// choices: a list with "not given" first
		`<select id="f-tipo_pedido" name="f.tipo_pedido">`, `<option value="">(não indicado)</option><option value="Criação de acesso">a) Criação de acesso</option>`,
		// long text, dates, email, phone, identifiers, lengths
		`<textarea id="f-outra_informacao" name="f.outra_informacao" rows="4" maxlength="20000">`,
		`name="f.medicos[0].data_nascimento" type="date"`, `name="f.medicos[0].email" type="email"`, `name="f.medicos[0].telemovel" type="tel"`,
		`name="f.medicos[0].cedula" type="text" value="" autocomplete="off" inputmode="numeric">`, `name="f.medicos[0].nome_clinico" type="text" value="" autocomplete="off" maxlength="200">`,
		// the repeatable group: one item, and the button that adds one
		`<fieldset class="repeat" id="g-medicos">`, `<legend>Identificação do(s) médico(s)</legend>`, `<legend>Médico 1</legend>`,
		`<input type="hidden" name="n.medicos" value="1">`, `<button type="submit" name="add" value="medicos" formnovalidate>Adicionar médico</button>`,
		// Enter submits the ticket, not "add"
		`novalidate>
  <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">Registar o pedido</button>`)
	wantNotBody(t, r, `name="f.medicos[1].nome_completo"`)

	// "Add a doctor" sends the form back with one more item, every value
	// kept, nothing checked and nothing recorded.
	form := url.Values{"request_type": {"cit-a1"}, "email": {"ana"}, "name": {"Ana Costa"}, "notes": {"Dois médicos novos."},
		"f.tipo_pedido": {"Criação de acesso"}, "n.medicos": {"1"},
		"f.medicos[0].nome_completo": {"Rui Mendes Faria"}, "f.medicos[0].cedula": {"45123"}, "f.medicos[0].sexo": {"Masculino"},
		"f.medicos[0].data_nascimento": {"1980-02-29"}, "add": {"medicos"}}
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<legend>Médico 2</legend>`, `name="f.medicos[1].nome_completo"`, `<input type="hidden" name="n.medicos" value="2">`,
		`value="ana"`, `value="Ana Costa"`, ">Dois médicos novos.</textarea>", `<option value="Criação de acesso" selected>`,
		`name="f.medicos[0].nome_completo" type="text" value="Rui Mendes Faria"`, `name="f.medicos[0].cedula" type="text" value="45123"`,
		`<option value="Masculino" selected>`, `name="f.medicos[0].data_nascimento" type="date" value="1980-02-29"`)
	wantNotBody(t, r, "Email do requerente: escreva", `class="field-error"`)
	if page, _ := e.store.ListTickets(ctx, balcao.TicketFilter{}); len(page.Tickets) != 0 {
		t.Fatalf("adding an item recorded %d tickets", len(page.Tickets))
	}

	// An invalid value in the second item is named with its item and
	// its fix; both items keep their values.
	form.Del("add")
	form.Set("n.medicos", "2")
	form.Set("email", "ana.costa@usf.min-saude.pt")
	form.Set("f.medicos[1].nome_completo", "Sara Lopes Dias")
	form.Set("f.medicos[1].cedula", "45a23")
	form.Set("f.medicos[1].sexo", "Feminino")
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `href="#f-medicos.1.cedula"`, "Médico 2 – Número de cédula profissional: ",
		`<p class="field-error" id="f-medicos.1.cedula-error">`, `aria-invalid="true" aria-describedby="f-medicos.1.cedula-error"`,
		`value="Rui Mendes Faria"`, `value="Sara Lopes Dias"`, `value="45a23"`, `<option value="Feminino" selected>`, `<legend>Médico 2</legend>`)

	form.Set("f.medicos[1].cedula", "45124")
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusSeeOther)
	page, _ := e.store.ListTickets(ctx, balcao.TicketFilter{RequesterEmail: "ana.costa@usf.min-saude.pt"})
	if len(page.Tickets) != 1 {
		t.Fatalf("tickets %+v", page.Tickets)
	}
	f := page.Tickets[0].Fields
	if f["medicos[0].nome_completo"] != "Rui Mendes Faria" || f["medicos[1].nome_completo"] != "Sara Lopes Dias" || f["medicos[1].cedula"] != "45124" ||
		f["medicos[1].sexo"] != "Feminino" || f["tipo_pedido"] != "Criação de acesso" || f["medicos[0].data_nascimento"] != "1980-02-29" {
		t.Fatalf("fields %v", f)
	}
}

// Help texts describe their input; a group stops adding at its maximum.
func TestPhoneHelpAndLimits(t *testing.T) {
	e := newEnv(t, func(s *desk.Server) { s.Catalog = testCatalog(t) })
	c := e.signedIn("agente@desk.pt")
	r := e.get(c, "/desk/phone?type=teste-a")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<p class="help" id="f-local-help">O serviço ou a sala.</p>`,
		`name="f.local" type="text" value="" autocomplete="off" maxlength="60" aria-describedby="f-local-help">`,
		`name="f.pessoas[0].niss" type="text" value="" autocomplete="off" inputmode="numeric">`, "Adicionar pessoa")

	form := url.Values{"request_type": {"teste-a"}, "email": {"ana@usf.pt"}, "f.local": {"Piso 2"}, "n.pessoas": {"1"}, "add": {"pessoas"}}
	r = e.post(c, "/desk/phone", form)
	wantBody(t, r, `<legend>Pessoa 2</legend>`, `<input type="hidden" name="n.pessoas" value="2">`, `value="Piso 2"`)
	wantNotBody(t, r, "Adicionar pessoa", "Pessoa 3")
	// A form asking for more than the maximum gets the maximum.
	form.Set("n.pessoas", "2")
	wantNotBody(t, e.post(c, "/desk/phone", form), "Pessoa 3")
	form.Set("n.pessoas", "1000000")
	wantNotBody(t, e.post(c, "/desk/phone", form), "Pessoa 3")

	// Help and error together describe the input.
	form = url.Values{"request_type": {"teste-a"}, "email": {"ana@usf.pt"}, "f.local": {strings.Repeat("x", 61)}, "f.pessoas[0].niss": {"11234567893"}}
	r = e.post(c, "/desk/phone", form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `aria-invalid="true" aria-describedby="f-local-help f-local-error"`, `href="#f-local"`,
		`href="#f-pessoas.0.niss"`, "Pessoa 1 – NISS: ", `value="11234567893"`)
}

func TestCannedManagement(t *testing.T) { onBothDatabases(t, testCannedManagement) }

func testCannedManagement(t *testing.T, e *env) {
	wantStatus(t, e.get(e.signedIn("agente@desk.pt"), "/desk/canned"), http.StatusForbidden)
	e.user("supervisora@desk.pt", balcao.RoleSupervisor)
	c := e.signedIn("supervisora@desk.pt")
	r := e.get(c, "/desk/canned")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/desk/canned">Respostas-tipo</a>`, "Ainda não há respostas-tipo.")

	r = e.post(c, "/desk/canned", url.Values{"request_type": {"nope"}, "title": {" "}, "text.pt-PT": {""}, "text.en": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Tipo de pedido: escolha um tipo da lista.", "Título: dê um nome à resposta", "Texto: escreva o texto da resposta em pelo menos uma língua.",
		`href="#request_type"`, `href="#title"`, `href="#text-pt-PT"`,
		`<label for="text-pt-BR">Texto em Português (Brasil)</label>`, `<textarea id="text-es" name="text.es" lang="es" rows="5" aria-invalid="true" aria-describedby="text-error texts-help">`)

	// One language is enough; the values typed are kept on an error.
	r = e.post(c, "/desk/canned", url.Values{"request_type": {"nope"}, "title": {"Captura de ecrã"}, "text.pt-BR": {"Envie um print da tela."}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `lang="pt-BR" rows="5" aria-describedby="texts-help">Envie um print da tela.</textarea>`)
	wantNotBody(t, r, "Texto: escreva o texto")

	r = e.post(c, "/desk/canned", url.Values{"request_type": {"cit-d1"}, "title": {"Captura de ecrã"}, "text.pt-BR": {"Envie um print da tela."}, "text.es": {"Envíe una captura."}})
	wantStatus(t, r, http.StatusSeeOther)
	list, _ := e.store.CannedResponses(ctx, "", true)
	if len(list) != 1 || list[0].UpdatedBy != "supervisora" || len(list[0].Texts) != 2 || list[0].Texts["es"] != "Envíe una captura." {
		t.Fatalf("saved %+v", list)
	}
	id := strconv.FormatInt(list[0].ID, 10)
	wantBody(t, e.get(c, "/desk/canned?done=canned_saved"), "Resposta-tipo guardada.", "Captura de ecrã", "Problema/Erro aplicação local (SAM-CS)",
		`<span class="badge">pt-BR</span> <span lang="pt-BR">Envie um print da tela.</span>`, `<span lang="es">Envíe una captura.</span>`)
	wantBody(t, e.get(c, "/desk/canned?edit="+id), `<input type="hidden" name="id" value="`+id+`">`, "Envie um print da tela.</textarea>", "Envíe una captura.</textarea>")
	r = e.post(c, "/desk/canned", url.Values{"id": {id}, "request_type": {""}, "title": {"Captura"}, "text.pt-PT": {"Envie uma captura do ecrã."}, "text.pt-BR": {"Envie um print da tela."}})
	wantStatus(t, r, http.StatusSeeOther)
	if list, _ := e.store.CannedResponses(ctx, "rnu-a", false); len(list) != 1 || list[0].Texts["pt-PT"] != "Envie uma captura do ecrã." || list[0].Texts["es"] != "" {
		t.Fatalf("edited %+v", list)
	}
	wantStatus(t, e.post(e.signedIn("agente@desk.pt"), "/desk/canned/"+id+"/delete", url.Values{}), http.StatusForbidden)
	wantStatus(t, e.post(c, "/desk/canned/"+id+"/delete", url.Values{}), http.StatusSeeOther)
	wantStatus(t, e.post(c, "/desk/canned/"+id+"/delete", url.Values{}), http.StatusNotFound)
}
