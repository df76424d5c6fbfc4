package mail

import (
	"strings"
	"testing"
)

func TestStripQuoted(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"nothing quoted", "Bom dia,\n\nO pedido está resolvido.\n", "Bom dia,\n\nO pedido está resolvido."},
		{"empty", "", ""},
		{"angle quotes", "Sim, pode fechar.\n\n> Podemos fechar o pedido?\n> Obrigado", "Sim, pode fechar."},
		{"indented angle quote", "Ok\n  > citação", "Ok"},
		{"gmail pt-PT", "Obrigado.\n\nEm qua., 4/03/2026 às 10:02, Service Desk <sd@x.pt> escreveu:\n> texto", "Obrigado."},
		{"gmail pt-PT wrapped", "Obrigado.\n\nEm qua., 4/03/2026 às 10:02, Service Desk SPMS <\nservicedesk@spms.min-saude.pt> escreveu:\n\n> texto", "Obrigado."},
		{"gmail pt-BR", "Certo.\n\nEm seg., 2 de mar. de 2026 às 14:22, Central de Atendimento <a@b.gov.br> escreveu:\n\n> Prezada", "Certo."},
		{"gmail pt-BR wrapped 3 lines", "Certo.\n\nEm seg., 2 de mar. de 2026 às 14:22, Central de\nAtendimento Compras.gov.br <\natendimento@compras.gov.br> escreveu:\n> x", "Certo."},
		{"apple pt-PT", "Feito\n\nNo dia 4/03/2026, às 10:02, Service Desk <sd@x.pt> escreveu:\n\n> x", "Feito"},
		{"thunderbird pt-PT", "Feito\n\nÀs 10:02 de 04/03/2026, Service Desk escreveu:\n> x", "Feito"},
		{"thunderbird pt-PT no accent", "Feito\n\nA 04/03/2026 10:02, Service Desk escreveu:\n> x", "Feito"},
		{"english", "Thanks\n\nOn Wed, Mar 4, 2026 at 10:02 AM Service Desk <sd@x.pt> wrote:\n> x", "Thanks"},
		{"english wrapped", "Thanks\n\nOn Wed, Mar 4, 2026 at 10:02 AM Service Desk <\nsd@x.pt> wrote:\n> x", "Thanks"},
		{"spanish", "Gracias\n\nEl mié, 4 mar 2026 a las 10:02, Service Desk (<sd@x.es>) escribió:\n> x", "Gracias"},
		{"french", "Merci\n\nLe mer. 4 mars 2026 à 10:02, Service Desk <sd@x.fr> a écrit :\n> x", "Merci"},
		{"outlook pt-PT", "Segue.\n\nDe: Service Desk <sd@x.pt>\nEnviado: 4 de março de 2026 10:02\nPara: Ana <ana@x.pt>\nAssunto: RE: Pedido\n\nTexto antigo", "Segue."},
		{"outlook pt-PT with rule", "Segue.\n\n________________________________\nDe: Service Desk <sd@x.pt>\nEnviado: quarta-feira, 4 de março de 2026 10:02\nPara: Ana <ana@x.pt>\nCc: Rui <rui@x.pt>\nAssunto: RE: Pedido\n\nTexto antigo", "Segue."},
		{"outlook pt-BR", "Ok.\n\nDe: Suporte <s@x.gov.br>\nEnviada em: quinta-feira, 5 de março de 2026 10:15\nPara: Débora <d@x.gov.br>\nAssunto: Chamado\n\nx", "Ok."},
		{"outlook en", "Ok.\n\nFrom: Desk <d@x.pt>\nSent: Wednesday, March 4, 2026 10:02 AM\nTo: Ana <a@x.pt>\nSubject: RE: x\n\nold", "Ok."},
		{"outlook es", "Vale.\n\nDe: Mesa <m@x.es>\nEnviado el: miércoles, 4 de marzo de 2026 10:02\nPara: Ana <a@x.es>\nAsunto: RE: x\n\nold", "Vale."},
		{"outlook bold from gmail", "Ok\n\n*De:* Desk <d@x.pt>\n*Enviada em:* quarta\n*Para:* a@x.pt\n*Assunto:* x\n\nold", "Ok"},
		{"outlook header needs two labels", "De: Lisboa\nPara: Porto\nChego às 10h.", "De: Lisboa\nPara: Porto\nChego às 10h."},
		{"original message en", "Ok\n\n-----Original Message-----\nFrom: x\n", "Ok"},
		{"original message pt", "Ok\n\n-----Mensagem original-----\nDe: x\n", "Ok"},
		{"original message pt spaced", "Ok\n\n----- Mensagem original -----\nDe: x\n", "Ok"},
		{"original message es", "Ok\n\n-----Mensaje original-----\nDe: x\n", "Ok"},
		{"forwarded gmail pt", "Veja abaixo.\n\n---------- Mensagem encaminhada ---------\nDe: x", "Veja abaixo."},
		{"forwarded gmail en", "FYI\n\n---------- Forwarded message ---------\nFrom: x", "FYI"},
		{"forwarded gmail es", "Mira\n\n---------- Mensaje reenviado ---------\nDe: x", "Mira"},
		{"forwarded apple pt", "Veja\n\nInício da mensagem reencaminhada:\n\nDe: x", "Veja"},
		{"signature", "Obrigado\n-- \nAna Sousa\nULS", "Obrigado"},
		{"signature trimmed", "Obrigado\n--\nAna Sousa", "Obrigado"},
		{"dashes in prose stay", "Obrigado -- até amanhã\nAna", "Obrigado -- até amanhã\nAna"},
		{"iphone pt-PT", "Confirmo.\n\nEnviado do meu iPhone\n\n> x", "Confirmo."},
		{"telemovel", "Confirmo.\n\nEnviado do meu telemóvel Huawei", "Confirmo."},
		{"iphone pt-BR", "Ok\n\nEnviado do meu iPhone", "Ok"},
		{"iphone en", "Ok\n\nSent from my iPhone", "Ok"},
		{"outlook mobile", "Ok\n\nObter o Outlook para Android", "Ok"},
		{"outlook mobile en", "Ok\n\nGet Outlook for iOS", "Ok"},
		{"marker pt", "Resolvido, obrigado.\n\n## Responda acima desta linha ##\nO seu pedido…", "Resolvido, obrigado."},
		{"marker en", "Done\n## Reply above this line ##\nx", "Done"},
		{"marker es", "Hecho\n## Responda encima de esta línea ##\nx", "Hecho"},
		{"marker without hashes", "Feito\nResponda acima desta linha\nx", "Feito"},
		{"marker quoted", "Feito\n\n> ## Responda acima desta linha ##", "Feito"},
		{"crlf", "Bom dia\r\n\r\n> antigo\r\n", "Bom dia"},
		{"first line quoted", "> tudo citado\n> mais", ""},
		{"prose with wrote", "O médico escreveu no relatório que está bem.\nObrigado", "O médico escreveu no relatório que está bem.\nObrigado"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := StripQuoted(tc.in)
			if got != tc.want {
				t.Errorf("StripQuoted(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if !strings.HasPrefix(tc.in, got) {
				t.Errorf("not a prefix")
			}
		})
	}
}

func TestStripQuotedHTML(t *testing.T) {
	tests := []struct {
		name, in string
		keep     []string
		drop     []string
	}{
		{"gmail",
			`<div dir="ltr">Obrigado</div><br><div class="gmail_quote"><div class="gmail_attr">Em qua., … escreveu:</div><blockquote class="gmail_quote">antigo</blockquote></div>`,
			[]string{"Obrigado"}, []string{"antigo", "escreveu"}},
		{"apple cite",
			`<div>Feito</div><div><br><blockquote type="cite"><div>antigo</div></blockquote></div>`,
			[]string{"Feito"}, []string{"antigo"}},
		{"blockquote without cite stays",
			`<p>Como diz a norma:</p><blockquote>texto citado pelo autor</blockquote>`,
			[]string{"texto citado pelo autor"}, nil},
		{"outlook web",
			`<div>Ok</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>De:</b> x</div><div>antigo</div><p>mais antigo</p>`,
			[]string{"Ok"}, []string{"antigo", "De:"}},
		{"outlook web only divRplyFwdMsg",
			`<div><p>Ok</p></div><div id="divRplyFwdMsg"><b>From:</b> x</div><div>old</div>`,
			[]string{"Ok"}, []string{"old", "From:"}},
		{"outlook desktop",
			`<div class="WordSection1"><p class="MsoNormal">Segue.</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De:</b> Desk &lt;d@x.pt&gt;<br><b>Enviado:</b> ontem</p></div></div><p class="MsoNormal">antigo</p></div>`,
			[]string{"Segue."}, []string{"antigo", "Enviado"}},
		{"thunderbird",
			`<p>Feito</p><div class="moz-cite-prefix">Às 10:02 de 04/03/2026, X escreveu:<br></div><blockquote type="cite">antigo</blockquote>`,
			[]string{"Feito"}, []string{"antigo", "escreveu"}},
		{"yahoo",
			`<div>Ok</div><div class="yahoo_quoted"><div>antigo</div></div>`,
			[]string{"Ok"}, []string{"antigo"}},
		{"our marker",
			`<div>Resolvido</div><div><p>## Responda acima desta linha ##</p><p>antigo</p></div><p>mais</p>`,
			[]string{"Resolvido"}, []string{"antigo", "mais", "Responda"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := StripQuotedHTML(tc.in)
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("lost %q: %s", k, got)
				}
			}
			for _, d := range tc.drop {
				if strings.Contains(got, d) {
					t.Errorf("kept %q: %s", d, got)
				}
			}
		})
	}
	if got := StripQuotedHTML("<p>nada</p>"); got != "<p>nada</p>" {
		t.Errorf("unchanged HTML rewritten: %q", got)
	}
}
