package validate

import "strings"

// Fix returns a short sentence in lang saying how to fix a value of kind
// that Check rejected with code. Languages are "pt-PT" (also the fallback
// for anything unrecognised), "pt-BR", "en" and "es"; regional tags such
// as "en-GB" or "es_419" pick their language. The sentence starts in
// lowercase and has no final stop, because the caller puts the field label
// before it: "NISS: o NISS tem 11 algarismos …". Every code Codes(kind)
// lists has a sentence; an unknown pair gets a generic one, and code ""
// gives "".
func Fix(kind Kind, code Code, lang string) string {
	if code == "" {
		return ""
	}
	i := langIndex(lang)
	if m, ok := fixes[fixKey{kind, code}]; ok {
		return m[i]
	}
	if m, ok := fixes[fixKey{"", code}]; ok {
		return m[i]
	}
	return fixes[fixKey{"", CodeFormat}][i]
}

// langIndex maps a language tag to a column of fixes.
func langIndex(lang string) int {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	primary, region, _ := strings.Cut(l, "-")
	switch {
	case primary == "pt" && strings.HasPrefix(region, "br"):
		return 1
	case primary == "en":
		return 2
	case primary == "es":
		return 3
	}
	return 0
}

type fixKey struct {
	kind Kind
	code Code
}

// A sentence per language: pt-PT, pt-BR, en, es.
type sentences [4]string

var textFormat = sentences{
	"o texto tem caracteres invisíveis ou inválidos; escreva-o em vez de o colar",
	"o texto contém caracteres invisíveis ou inválidos; digite-o em vez de colar",
	"the text contains invisible or invalid characters; type it instead of pasting it",
	"el texto contiene caracteres invisibles o no válidos; escríbalo en lugar de pegarlo",
}

// fixes is read-only. Entries with an empty kind are the fallback for a
// code; per-kind entries say what the value should look like.
var fixes = map[fixKey]sentences{
	{"", CodeRequired}: {
		"campo obrigatório; indique um valor",
		"campo obrigatório; informe um valor",
		"this field is required; enter a value",
		"campo obligatorio; escriba un valor",
	},
	{"", CodeTooLong}: {
		"o texto é demasiado longo; encurte-o",
		"o texto é longo demais; resuma-o",
		"the text is too long; shorten it",
		"el texto es demasiado largo; acórtelo",
	},
	{"", CodeChoice}: {
		"escolha uma das opções da lista",
		"selecione uma das opções da lista",
		"choose one of the options in the list",
		"elija una de las opciones de la lista",
	},
	{"", CodeDateInvalid}: {
		"essa data não existe ou é anterior a 1900; confirme o dia, o mês e o ano",
		"essa data não existe ou é anterior a 1900; confira o dia, o mês e o ano",
		"that date does not exist or is before 1900; check the day, month and year",
		"esa fecha no existe o es anterior a 1900; revise el día, el mes y el año",
	},
	{"", CodeDateFuture}: {
		"a data não pode ser posterior a hoje; confirme o ano",
		"a data não pode estar no futuro; confira o ano",
		"the date cannot be later than today; check the year",
		"la fecha no puede ser posterior a hoy; revise el año",
	},
	{"", CodeFormat}: {
		"o valor não tem o formato esperado; confirme-o",
		"o valor não está no formato esperado; confira-o",
		"the value is not in the expected format; check it",
		"el valor no tiene el formato esperado; revíselo",
	},
	{"", CodeCheckDigit}: {
		"o dígito de controlo não confere; confirme se o número foi bem copiado",
		"o dígito verificador não confere; confira se o número foi digitado corretamente",
		"the check digit does not match; make sure the number was copied correctly",
		"el dígito de control no coincide; compruebe que el número se ha copiado bien",
	},
	{"", CodeCheckDigitUnverified}: {
		"o número não passou na verificação habitual; confirme-o (o pedido segue na mesma)",
		"o número não passou na verificação usual; confira-o (o pedido segue mesmo assim)",
		"the number failed the usual check; please double-check it (the request goes ahead anyway)",
		"el número no superó la comprobación habitual; revíselo (la solicitud sigue adelante igualmente)",
	},

	{Text, CodeFormat}:       textFormat,
	{LongText, CodeFormat}:   textFormat,
	{BoletimCIT, CodeFormat}: textFormat,
	{Date, CodeFormat}: {
		"escreva a data como dd/mm/aaaa, por exemplo 25/04/1974",
		"digite a data como dd/mm/aaaa, por exemplo 15/11/1989",
		"write the date as dd/mm/yyyy, for example 25/04/1974",
		"escriba la fecha como dd/mm/aaaa, por ejemplo 25/04/1974",
	},
	{Email, CodeFormat}: {
		"indique um endereço de correio eletrónico completo, como nome@exemplo.pt",
		"informe um endereço de e-mail completo, como nome@exemplo.com.br",
		"enter a complete email address, such as name@example.com",
		"escriba una dirección de correo electrónico completa, como nombre@ejemplo.es",
	},
	{Phone, CodeFormat}: {
		"indique um número português de 9 algarismos começado por 2 ou 9, ou um número estrangeiro com o indicativo, como +34 612 345 678",
		"informe o número com DDD, como (11) 91234-5678, ou um número estrangeiro com o código do país, como +351 912 345 678",
		"enter a 9-digit Portuguese number starting with 2 or 9, a Brazilian number with its area code, or an international number starting with +",
		"escriba un número portugués de 9 cifras que empiece por 2 o 9, uno brasileño con su prefijo de zona o uno internacional que empiece por +",
	},
	{IP, CodeFormat}: {
		"indique um endereço IPv4, como 192.0.2.10, ou IPv6; 0.0.0.0 e :: não servem",
		"informe um endereço IPv4, como 192.0.2.10, ou IPv6; 0.0.0.0 e :: não são aceitos",
		"enter an IPv4 address, such as 192.0.2.10, or an IPv6 address; 0.0.0.0 and :: are not accepted",
		"escriba una dirección IPv4, como 192.0.2.10, o IPv6; 0.0.0.0 y :: no se aceptan",
	},
	{NISS, CodeFormat}: {
		"o NISS tem 11 algarismos e começa por 1 (pessoa) ou 2 (entidade); confirme o número",
		"o NISS tem 11 dígitos e começa com 1 (pessoa) ou 2 (entidade); confira o número",
		"the NISS has 11 digits and starts with 1 (person) or 2 (organisation); check the number",
		"el NISS tiene 11 cifras y empieza por 1 (persona) o 2 (entidad); revise el número",
	},
	{NISS, CodeCheckDigit}: {
		"o NISS tem 11 algarismos e o último é um dígito de controlo; confirme se foi bem copiado",
		"o NISS tem 11 dígitos e o último é um dígito verificador; confira se foi digitado corretamente",
		"the NISS has 11 digits and the last one is a check digit; make sure it was copied correctly",
		"el NISS tiene 11 cifras y la última es un dígito de control; compruebe que se ha copiado bien",
	},
	{NIF, CodeFormat}: {
		"o NIF tem 9 algarismos, como 123456789; confirme-o numa fatura ou no cartão de cidadão",
		"o NIF português tem 9 dígitos, como 123456789; confira o número",
		"the Portuguese tax number (NIF) has 9 digits, such as 123456789; check the number",
		"el NIF portugués tiene 9 cifras, como 123456789; revise el número",
	},
	{NIF, CodeCheckDigit}: {
		"o NIF tem 9 algarismos e o último é um dígito de controlo; confirme se foi bem copiado",
		"o NIF tem 9 dígitos e o último é um dígito verificador; confira se foi digitado corretamente",
		"the NIF has 9 digits and the last one is a check digit; make sure it was copied correctly",
		"el NIF tiene 9 cifras y la última es un dígito de control; compruebe que se ha copiado bien",
	},
	{NNU, CodeFormat}: {
		"o número de utente tem 9 algarismos e não começa por 0 nem por 8; confirme-o no cartão de cidadão",
		"o número de utente do SNS tem 9 dígitos e não começa com 0 nem com 8; confira o número",
		"the SNS user number has 9 digits and does not start with 0 or 8; check the number",
		"el número de usuario del SNS tiene 9 cifras y no empieza por 0 ni por 8; revise el número",
	},
	{NNU, CodeCheckDigitUnverified}: {
		"o número de utente não passou na verificação habitual; confirme-o no cartão de cidadão (o pedido segue na mesma)",
		"o número de utente não passou na verificação usual; confira-o (o pedido segue mesmo assim)",
		"the SNS user number failed the usual check; please double-check it (the request goes ahead anyway)",
		"el número de usuario del SNS no superó la comprobación habitual; revíselo (la solicitud sigue adelante igualmente)",
	},
	{Cedula, CodeFormat}: {
		"a cédula profissional é um número de 1 a 6 algarismos, sem letras; confirme-a no cartão da Ordem",
		"a cédula profissional é um número de 1 a 6 dígitos, sem letras; confira o número",
		"the professional licence number has 1 to 6 digits and no letters; check the number",
		"el número de colegiado tiene de 1 a 6 cifras, sin letras; revise el número",
	},
	{CC, CodeFormat}: {
		"o número do documento tem 12 caracteres, como 123456789 ZZ1 (9 algarismos, 2 letras e 1 algarismo); copie-o do cartão de cidadão",
		"o número do documento do cartão de cidadão tem 12 caracteres, como 123456789 ZZ1 (9 dígitos, 2 letras e 1 dígito)",
		"the Citizen Card document number has 12 characters, such as 123456789 ZZ1 (9 digits, 2 letters and 1 digit)",
		"el número de documento de la tarjeta de ciudadano tiene 12 caracteres, como 123456789 ZZ1 (9 cifras, 2 letras y 1 cifra)",
	},
	{CC, CodeCheckDigit}: {
		"o número do documento inclui dígitos de controlo que não conferem; confirme se foi bem copiado, letras incluídas",
		"o número do documento tem dígitos verificadores que não conferem; confira se foi digitado corretamente, inclusive as letras",
		"the document number's check digits do not match; make sure it was copied correctly, letters included",
		"los dígitos de control del número de documento no coinciden; compruebe que se ha copiado bien, letras incluidas",
	},
	{CPF, CodeFormat}: {
		"o CPF tem 11 algarismos, como 529.982.247-25; confirme o número",
		"o CPF tem 11 dígitos, como 529.982.247-25; confira o número",
		"the CPF has 11 digits, such as 529.982.247-25; check the number",
		"el CPF tiene 11 cifras, como 529.982.247-25; revise el número",
	},
	{CPF, CodeCheckDigit}: {
		"os dois últimos algarismos do CPF são de controlo e não conferem; confirme se foi bem copiado",
		"os dois últimos dígitos do CPF são verificadores e não conferem; confira se foi digitado corretamente",
		"the last two digits of the CPF are check digits and do not match; make sure it was copied correctly",
		"las dos últimas cifras del CPF son de control y no coinciden; compruebe que se ha copiado bien",
	},
	{CNPJ, CodeFormat}: {
		"o CNPJ tem 14 caracteres, como 16.727.230/0001-97, e termina em 2 algarismos; confirme o número",
		"o CNPJ tem 14 caracteres, como 16.727.230/0001-97, e termina com 2 dígitos; confira o número",
		"the CNPJ has 14 characters, such as 16.727.230/0001-97, ending in 2 digits; check the number",
		"el CNPJ tiene 14 caracteres, como 16.727.230/0001-97, y termina en 2 cifras; revise el número",
	},
	{CNPJ, CodeCheckDigit}: {
		"os dois últimos algarismos do CNPJ são de controlo e não conferem; confirme se foi bem copiado",
		"os dois últimos dígitos do CNPJ são verificadores e não conferem; confira se foi digitado corretamente",
		"the last two digits of the CNPJ are check digits and do not match; make sure it was copied correctly",
		"las dos últimas cifras del CNPJ son de control y no coinciden; compruebe que se ha copiado bien",
	},
	{CNS, CodeFormat}: {
		"o Cartão Nacional de Saúde tem 15 algarismos e começa por 1, 2, 7, 8 ou 9; confirme o número",
		"o Cartão Nacional de Saúde tem 15 dígitos e começa com 1, 2, 7, 8 ou 9; confira o número",
		"the CNS (Brazilian health card) number has 15 digits and starts with 1, 2, 7, 8 or 9; check the number",
		"el CNS (tarjeta sanitaria brasileña) tiene 15 cifras y empieza por 1, 2, 7, 8 o 9; revise el número",
	},
	{CNS, CodeCheckDigit}: {
		"o número do Cartão Nacional de Saúde não confere; confirme se foi bem copiado",
		"o número do Cartão Nacional de Saúde não é válido; confira se foi digitado corretamente",
		"the CNS number does not pass its check; make sure it was copied correctly",
		"el número del CNS no supera la comprobación; compruebe que se ha copiado bien",
	},
	{UASG, CodeFormat}: {
		"o código UASG tem até 6 algarismos, como 200005, sem letras",
		"o código UASG tem até 6 dígitos, como 200005, sem letras",
		"the UASG code has up to 6 digits, such as 200005, and no letters",
		"el código UASG tiene hasta 6 cifras, como 200005, sin letras",
	},
}
