package mail

import "testing"

func TestNormalizeSubject(t *testing.T) {
	tests := []struct{ in, prefix, want string }{
		{"RE: Fwd: [#SD-2026-000001] CIT — Retificação  de CIT", "SD", "cit - retificacao de cit"},
		{"cit - retificacao de cit", "SD", "cit - retificacao de cit"},
		{"CIT – Retificação de CIT", "SD", "cit - retificacao de cit"},
		{"CIT-Retificação de CIT", "SD", "cit - retificacao de cit"},
		{"CIT − Retificação de CIT", "SD", "cit - retificacao de cit"},
		{"CIT ‐ Retificação de CIT", "SD", "cit - retificacao de cit"},
		{"Res: RES: ENC: WebRNU – Criação de acesso", "SD", "webrnu - criacao de acesso"},
		{"Re: Re: Re: WebRNU – Óbito não Identificado", "SD", "webrnu - obito nao identificado"},
		{"RE[2]: RE(3): Pedido", "SD", "pedido"},
		{"Re2: Pedido", "SD", "pedido"},
		{"FW: TR: RV: AW: WG: Fwd: Enc: Pedido", "SD", "pedido"},
		{"SV: VS: Antw: Pedido", "SD", "pedido"},
		{"Resposta automática: CIT – Dúvidas aplicação central", "SD", "cit - duvidas aplicacao central"},
		{"Resposta Automática: [#SD-2026-000123] CIT – Dúvidas", "SD", "cit - duvidas"},
		{"Automatic reply: Pedido", "SD", "pedido"},
		{"Respuesta automática: Pedido", "SD", "pedido"},
		{"Réponse automatique : Pedido", "SD", "pedido"},
		{"Não é possível entregar: [#SD-2026-000045] Pedido recebido", "SD", "pedido recebido"},
		{"Undeliverable: Pedido", "SD", "pedido"},
		{"Lida: [#SD-2026-000124] CIT – Retificação de CIT", "SD", "cit - retificacao de cit"},
		{"Read: Pedido", "SD", "pedido"},
		{"[EXTERNAL] RE: Pedido", "SD", "pedido"},
		{"[EXTERNO] [SPAM] Pedido", "SD", "pedido"},
		{"RE: [EXTERNAL] Pedido", "SD", "pedido"},
		{"CIT – Retificação de CIT [#SD-2026-000123]", "SD", "cit - retificacao de cit"},
		{"[# SD - 2026 - 000123] Pedido", "SD", "pedido"},
		{"[#sd-2026-000123] Pedido", "SD", "pedido"},
		{"[#HD-2026-000123] Pedido", "SD", "pedido"}, // a leading bracket tag goes anyway
		{"Pedido [#HD-2026-000123]", "SD", "pedido [#hd - 2026 - 000123]"},
		{"Pedido [#HD-2026-000123]", "", "pedido"},
		{"Pedido SD-2026-000123", "SD", "pedido sd - 2026 - 000123"},
		{"  Nº   de   utente  ", "SD", "no de utente"},
		{"CIT - WS – Pedido de acesso", "SD", "cit - ws - pedido de acesso"},
		{"Conecte SUS - Não consigo acessar", "SD", "conecte sus - nao consigo acessar"},
		{"RES: Compras.gov.br – Erro no cadastro", "SD", "compras.gov.br - erro no cadastro"},
		{"Re：Pedido", "SD", "pedido"}, // full-width colon
		{"RE: ", "SD", ""},
		{"", "SD", ""},
		{"Re:", "SD", ""},
		{"Relatório: CIT", "SD", "relatorio: cit"},
		{"Resultado da análise", "SD", "resultado da analise"},
		{"Tratamento de dados", "SD", "tratamento de dados"},
		{"Fw:Fw:Fw:x", "SD", "x"},
		{"Re: Re:\u200b Pedido\u00a0urgente", "SD", "pedido urgente"},
		{"ÇÃO — ção", "SD", "cao - cao"},
	}
	for _, tc := range tests {
		got := NormalizeSubject(tc.in, tc.prefix)
		if got != tc.want {
			t.Errorf("NormalizeSubject(%q, %q) = %q, want %q", tc.in, tc.prefix, got, tc.want)
		}
		if again := NormalizeSubject(got, tc.prefix); again != got {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
}
