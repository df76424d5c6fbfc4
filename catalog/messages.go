package catalog

import (
	"fmt"
	"strings"
)

// The sentences of the catalogue's own rules, in the four languages. Like
// the validate package's Fix sentences, each starts in lowercase, has no
// final stop and reads well after "<Label>: ".

func pick(lang, pt, br, en, es string) string {
	switch lang {
	case LangBR:
		return br
	case LangEN:
		return en
	case LangES:
		return es
	}
	return pt
}

func msgRequired(lang string) string {
	return pick(lang, "em falta; indique este dado", "não informado; preencha este campo",
		"missing; please provide it", "falta; indique este dato")
}

func msgInvalid(lang string) string {
	return pick(lang, "valor inválido; verifique-o", "valor inválido; verifique-o",
		"invalid value; please check it", "valor no válido; revíselo")
}

func msgAllowed(lang string, values []string) string {
	return pick(lang, "valores aceites: ", "valores aceitos: ", "accepted values: ", "valores aceptados: ") +
		strings.Join(values, "; ")
}

func msgTooMany(lang string, max int) string {
	return fmt.Sprintf(pick(lang, "indique no máximo %d", "informe no máximo %d",
		"give at most %d", "indique como máximo %d"), max)
}

func msgTooManyFiles(lang string, max int) string {
	return fmt.Sprintf(pick(lang, "anexe no máximo %d ficheiro(s)", "anexe no máximo %d arquivo(s)",
		"attach at most %d file(s)", "adjunte como máximo %d archivo(s)"), max)
}

func msgOneOf(lang string, labels []string) string {
	or := pick(lang, " ou ", " ou ", " or ", " o ")
	list := strings.Join(labels, or)
	if len(labels) > 2 {
		list = strings.Join(labels[:len(labels)-1], ", ") + or + labels[len(labels)-1]
	}
	return fmt.Sprintf(pick(lang, "em falta; indique pelo menos um destes dados: %s",
		"não informado; preencha pelo menos um destes campos: %s",
		"missing; please give at least one of: %s",
		"falta; indique al menos uno de estos datos: %s"), list)
}

func msgAttachmentRequired(lang, what string) string {
	return fmt.Sprintf(pick(lang, "em falta; anexe %s", "não anexado; anexe %s",
		"missing; please attach %s", "falta; adjunte %s"), what)
}

func msgAttachmentType(lang, name, what string) string {
	return fmt.Sprintf(pick(lang, "o ficheiro «%s» não é do tipo pedido; anexe %s",
		"o arquivo “%s” não é do tipo solicitado; anexe %s",
		"the file “%s” is not of the expected type; please attach %s",
		"el archivo «%s» no es del tipo solicitado; adjunte %s"), name, what)
}

func msgAttachmentSize(lang, name string, max int64) string {
	return fmt.Sprintf(pick(lang, "o ficheiro «%s» excede %s; reduza-o ou divida-o",
		"o arquivo “%s” excede %s; reduza-o ou divida-o",
		"the file “%s” is larger than %s; please make it smaller or split it",
		"el archivo «%s» supera %s; redúzcalo o divídalo"), name, humanBytes(max))
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// describeMedia names the accepted files of a slot: "uma imagem (PNG ou
// JPEG)", "um ficheiro XML", "o ficheiro Excel (.xlsx)".
func describeMedia(types []string, lang string) string {
	var parts []string
	add := func(s string) {
		for _, p := range parts {
			if p == s {
				return
			}
		}
		parts = append(parts, s)
	}
	for _, t := range types {
		switch t = strings.ToLower(t); {
		case strings.HasPrefix(t, "image/"):
			add(pick(lang, "uma imagem (PNG ou JPEG)", "uma imagem (PNG ou JPEG)", "an image (PNG or JPEG)", "una imagen (PNG o JPEG)"))
		case t == "application/xml" || t == "text/xml":
			add(pick(lang, "um ficheiro XML", "um arquivo XML", "an XML file", "un archivo XML"))
		case t == mediaXLSX:
			add(pick(lang, "o ficheiro Excel (.xlsx)", "o arquivo Excel (.xlsx)", "the Excel file (.xlsx)", "el archivo Excel (.xlsx)"))
		case t == "application/pdf":
			add(pick(lang, "um PDF", "um PDF", "a PDF", "un PDF"))
		case t == "text/plain":
			add(pick(lang, "um ficheiro de texto", "um arquivo de texto", "a text file", "un archivo de texto"))
		default:
			add(t)
		}
	}
	if len(parts) == 0 {
		return pick(lang, "o ficheiro", "o arquivo", "the file", "el archivo")
	}
	return strings.Join(parts, pick(lang, " ou ", " ou ", " or ", " o "))
}

// rowPrefix starts a message about a row of a spreadsheet: "linha 3, ".
func rowPrefix(lang string, row int) string {
	return fmt.Sprintf(pick(lang, "linha %d, ", "linha %d, ", "row %d, ", "fila %d, "), row)
}

func msgColumnMissing(lang string) string {
	return pick(lang, "coluna em falta no ficheiro; acrescente-a com este título na primeira linha",
		"coluna ausente no arquivo; acrescente-a com este título na primeira linha",
		"column missing from the file; add it with this heading in the first row",
		"falta la columna en el archivo; añádala con este título en la primera fila")
}

func msgNotWorkbook(lang string) string {
	return pick(lang, "o ficheiro não é um livro Excel (.xlsx); use o ficheiro Excel tipo fornecido",
		"o arquivo não é uma planilha Excel (.xlsx); use o arquivo Excel modelo fornecido",
		"the file is not an Excel workbook (.xlsx); please use the template provided",
		"el archivo no es un libro de Excel (.xlsx); utilice la plantilla facilitada")
}

func msgOldExcel(lang string) string {
	return pick(lang, "o ficheiro está no formato antigo .xls ou está protegido por palavra-passe; guarde-o como .xlsx sem palavra-passe",
		"o arquivo está no formato antigo .xls ou protegido por senha; salve-o como .xlsx sem senha",
		"the file is in the old .xls format or password-protected; save it as .xlsx without a password",
		"el archivo está en el antiguo formato .xls o protegido con contraseña; guárdelo como .xlsx sin contraseña")
}

func msgWorkbookTooLarge(lang string, limit int64) string {
	return fmt.Sprintf(pick(lang, "o ficheiro é demasiado grande (mais de %s descomprimido); envie só a folha com os dados",
		"o arquivo é grande demais (mais de %s descompactado); envie só a planilha com os dados",
		"the file is too large (over %s uncompressed); send only the sheet with the data",
		"el archivo es demasiado grande (más de %s descomprimido); envíe solo la hoja con los datos"), humanBytes(limit))
}

func msgTooManyRows(lang string, max int) string {
	return fmt.Sprintf(pick(lang, "a folha tem mais de %d linhas de dados; divida-a em vários ficheiros",
		"a planilha tem mais de %d linhas de dados; divida-a em vários arquivos",
		"the sheet has more than %d data rows; split it into several files",
		"la hoja tiene más de %d filas de datos; divídala en varios archivos"), max)
}

func msgNoHeader(lang string) string {
	return pick(lang, "não foi encontrada a linha de títulos do ficheiro Excel tipo; use o ficheiro fornecido sem alterar os títulos das colunas",
		"não foi encontrada a linha de títulos do arquivo Excel modelo; use o arquivo fornecido sem alterar os títulos das colunas",
		"the heading row of the template was not found; use the template provided without changing the column headings",
		"no se encontró la fila de títulos de la plantilla; utilice la plantilla facilitada sin cambiar los títulos de las columnas")
}

func msgNoTemplate(lang string) string {
	return pick(lang, "este tipo de pedido não tem ficheiro Excel tipo", "este tipo de pedido não tem arquivo Excel modelo",
		"this request type has no Excel template", "este tipo de solicitud no tiene plantilla Excel")
}
