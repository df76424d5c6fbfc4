package mail

import (
	"strings"
	"testing"
)

func TestRedactPasswords(t *testing.T) {
	const R = Redacted
	redacts := []struct{ in, want string }{
		// pt-PT
		{"Senha: Abc123!", "Senha: " + R},
		{"senha:abc", "senha:" + R},
		{"SENHA : Lisboa2026", "SENHA : " + R},
		{"Palavra-passe: xpto", "Palavra-passe: " + R},
		{"palavra passe: xpto99", "palavra passe: " + R},
		{"A minha palavra-passe é Benfica#1904.", "A minha palavra-passe é " + R + "."},
		{"a minha senha é Lisboa2024", "a minha senha é " + R},
		{"A senha provisória é 12345678", "A senha provisória é " + R},
		{"senha provisória Xy7-99ab", "senha provisória " + R},
		{"Senha provisória: k9PqR", "Senha provisória: " + R},
		{"Nova senha: Porto@2026", "Nova senha: " + R},
		{"Senha de acesso: Marvila#2026", "Senha de acesso: " + R},
		{"Utilizador: jsilva Senha: abc123", "Utilizador: jsilva Senha: " + R},
		{"Utilizador: jmatos / Senha: Hosp.2026", "Utilizador: jmatos / Senha: " + R},
		{"- Senha: qwerty", "- Senha: " + R},
		{"• Palavra-passe – Segredo1", "• Palavra-passe – " + R},
		{"*Senha:* Abc123", "*Senha:* " + R},
		{`senha: "minha casa azul"`, `senha: "` + R + `"`},
		{"Senha:\nAbc!2026", "Senha:\n" + R},
		{"Palavra-passe:\n\n  Abc!2026\n", "Palavra-passe:\n\n  " + R + "\n"},
		{"Senha\nZx81spectrum", "Senha\n" + R},
		{"senha: um", "senha: um"},
		// pt-BR
		{"Minha senha é Sus@2024 e já tentei", "Minha senha é " + R + " e já tentei"},
		{"Login: 123.456.789-09 Senha: gov.br2024", "Login: 123.456.789-09 Senha: " + R},
		{"senha temporária: 8f3k2", "senha temporária: " + R},
		{"Senha do usuário: Mudar@123", "Senha do usuário: " + R},
		// en
		{"Password: hunter2", "Password: " + R},
		{"password=hunter2&user=x", "password=" + R + "&user=x"},
		{"https://x.pt/login?user=a&pwd=s3cret", "https://x.pt/login?user=a&pwd=" + R},
		{"PWD: abc", "PWD: " + R},
		{"pass: 1234", "pass: " + R},
		{"my password is Tr0ub4dor&3", "my password is " + R},
		{"New password: Correct-Horse", "New password: " + R},
		{"db_password=secret", "db_password=" + R},
		{"passwd: toor", "passwd: " + R},
		// es
		{"Contraseña: Madrid2026", "Contraseña: " + R},
		{"contrasena = abc", "contrasena = " + R},
		{"mi contraseña es Sol#2024", "mi contraseña es " + R},
		{"Clave: 9988", "Clave: " + R},
		// several on one text
		{"Senha: a1\nPassword: b2\n", "Senha: " + R + "\nPassword: " + R + "\n"},
	}
	for _, tc := range redacts {
		got, ch := RedactPasswords(tc.in)
		if got != tc.want || (got != tc.in) != ch {
			t.Errorf("RedactPasswords(%q)\n got %q (%v)\nwant %q", tc.in, got, ch, tc.want)
		}
		if again, ch2 := RedactPasswords(got); again != got || ch2 {
			t.Errorf("not idempotent on %q: %q", got, again)
		}
	}

	keeps := []string{
		"WebRNU – Recuperação de Senha",
		"Assunto: WebRNU – Recuperação de Senha",
		"C. Recuperação de Senha de acesso ao WebRNU;",
		"Preciso de recuperar a senha de acesso ao WebRNU.",
		"A senha é inválida.",
		"a senha é a mesma de sempre",
		"A senha expirou ontem.",
		"Não recebi a senha provisória.",
		"senha provisória enviada por SMS",
		"O utilizador esqueceu-se da password.",
		"Password reset link: https://x.pt/reset",
		"the password is wrong",
		"the password is required",
		"Perdí mi contraseña.",
		"La contraseña es incorrecta",
		"Passe social: 12345",
		"Compass: 12",
		"bypass: yes",
		"Passaporte: AB123456",
		"Código de ativação: 123456",
		"Senhas e acessos",
		"Senha: n/a",
		"Senha: -",
		"senha:",
		"A senha de 2024 já não serve",
		"Reposição de palavra-passe: o utilizador não consegue entrar",
		"Reset da palavra passe do utilizador jsilva",
		"Recuperação de Senha - pedido urgente",
		"Senha\nRecuperação",
		"Informe a senha\nObrigado",
		"",
		"Sem nada a assinalar.",
	}
	for _, s := range keeps {
		if got, ch := RedactPasswords(s); ch || got != s {
			t.Errorf("RedactPasswords(%q) = %q, want unchanged", s, got)
		}
	}
}

func TestRedactHTML(t *testing.T) {
	tests := []struct {
		in       string
		want     []string
		wantNot  []string
		redacted bool
	}{
		{`<table><tr><td>Utilizador</td><td>jsilva</td></tr><tr><td>Senha</td><td>Abc!2026</td></tr></table>`,
			[]string{"<td>jsilva</td>", Redacted}, []string{"Abc!2026"}, true},
		{`<p><b>Palavra-passe:</b> Lisboa2026</p>`, []string{Redacted}, []string{"Lisboa2026"}, true},
		{`<p>Senha: X&amp;y9</p>`, []string{"Senha: " + Redacted}, []string{"X&amp;y9", "X&y9"}, true},
		{`<a href="https://x.pt/?user=a&amp;password=segredo">link</a>`, []string{Redacted}, []string{"segredo"}, true},
		{`<p>Recuperação de Senha</p><p>Bom dia</p>`, []string{"Bom dia"}, nil, false},
		{`<style>.pass { color: red }</style><p>ok</p>`, []string{".pass { color: red }"}, nil, false},
	}
	for _, tc := range tests {
		got, ch := redactHTML(tc.in)
		if ch != tc.redacted {
			t.Errorf("redactHTML(%q) changed = %v", tc.in, ch)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("redactHTML(%q) = %q, lacks %q", tc.in, got, w)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(got, w) {
				t.Errorf("redactHTML(%q) = %q, holds %q", tc.in, got, w)
			}
		}
		if !ch && got != tc.in {
			t.Errorf("redactHTML(%q) rewrote unchanged HTML: %q", tc.in, got)
		}
	}
}
