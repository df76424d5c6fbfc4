package mail

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
)

// headerParams splits the parameters of a structured header value such as
// `attachment; filename="a.pdf"; size=12` into lowercased keys and raw
// values (quotes removed, backslash escapes undone). It never fails: bad
// pieces are skipped.
func headerParams(v string) map[string]string {
	var out map[string]string
	i := strings.IndexByte(v, ';')
	if i < 0 {
		return nil
	}
	v = v[i+1:]
	for len(v) > 0 {
		v = strings.TrimLeft(v, " \t\r\n;")
		if v == "" {
			break
		}
		eq := strings.IndexAny(v, "=;")
		if eq < 0 || v[eq] == ';' {
			if eq < 0 {
				break
			}
			v = v[eq:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(v[:eq]))
		v = strings.TrimLeft(v[eq+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(v, `"`) {
			var b strings.Builder
			j := 1
			for ; j < len(v); j++ {
				c := v[j]
				if c == '\\' && j+1 < len(v) {
					j++
					b.WriteByte(v[j])
					continue
				}
				if c == '"' {
					break
				}
				b.WriteByte(c)
			}
			val = b.String()
			if j < len(v) {
				j++
			}
			v = v[j:]
			if k := strings.IndexByte(v, ';'); k >= 0 {
				v = v[k:]
			} else {
				v = ""
			}
		} else {
			end := strings.IndexByte(v, ';')
			if end < 0 {
				end = len(v)
			}
			val = strings.TrimSpace(v[:end])
			v = v[end:]
		}
		if key == "" {
			continue
		}
		if out == nil {
			out = make(map[string]string, 4)
		}
		if _, dup := out[key]; !dup {
			out[key] = val
		}
	}
	return out
}

// pctDecode undoes %XX escapes, keeping malformed ones as they are.
func pctDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(n))
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return b
}

// rfc2231Param reads parameter key of a header value by RFC 2231: an
// extended value (`key*=charset'lang'%XX…`), continuations (`key*0*=…;
// key*1=…`) or, failing those, the plain `key=` value. Charsets the
// standard library does not know (ISO-8859-1 above all) are decoded here,
// since mime.ParseMediaType silently drops such parameters.
func rfc2231Param(header, key string) string {
	params := headerParams(header)
	if len(params) == 0 {
		return ""
	}
	if v, ok := params[key+"*"]; ok {
		return decodeExtValue(v)
	}
	type seg struct {
		n   int
		val string
		enc bool
	}
	var segs []seg
	for k, v := range params {
		if !strings.HasPrefix(k, key+"*") {
			continue
		}
		rest := k[len(key)+1:]
		enc := strings.HasSuffix(rest, "*")
		rest = strings.TrimSuffix(rest, "*")
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 || n > 999 {
			continue
		}
		segs = append(segs, seg{n, v, enc})
	}
	if len(segs) > 0 {
		sort.Slice(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
		charset := ""
		var raw []byte
		for i, s := range segs {
			v := s.val
			if s.enc {
				if i == 0 {
					if a := strings.IndexByte(v, '\''); a >= 0 {
						if b := strings.IndexByte(v[a+1:], '\''); b >= 0 {
							charset = v[:a]
							v = v[a+1+b+1:]
						}
					}
				}
				raw = append(raw, pctDecode(v)...)
			} else {
				raw = append(raw, v...)
			}
		}
		return decodeCharset(charset, raw)
	}
	return params[key]
}

// decodeExtValue decodes an RFC 2231 extended value charset'lang'%XX….
func decodeExtValue(v string) string {
	a := strings.IndexByte(v, '\'')
	if a < 0 {
		return decodeCharset("", pctDecode(v))
	}
	b := strings.IndexByte(v[a+1:], '\'')
	if b < 0 {
		return decodeCharset("", pctDecode(v))
	}
	return decodeCharset(v[:a], pctDecode(v[a+1+b+1:]))
}

// mediaTypeExt gives a file extension for the made-up names of unnamed
// attachments. It is a fixed table, not the system's mime.types, so that
// parsing stays free of I/O and gives the same names on every machine.
var mediaTypeExt = map[string]string{
	"application/pdf":               ".pdf",
	"application/zip":               ".zip",
	"application/gzip":              ".gz",
	"application/x-gzip":            ".gz",
	"application/json":              ".json",
	"application/xml":               ".xml",
	"application/msword":            ".doc",
	"application/rtf":               ".rtf",
	"application/pkcs7-signature":   ".p7s",
	"application/x-pkcs7-signature": ".p7s",
	"application/pgp-signature":     ".asc",
	"application/ms-tnef":           ".dat",
	"application/vnd.ms-tnef":       ".dat",
	"application/vnd.ms-excel":      ".xls",
	"application/vnd.ms-outlook":    ".msg",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"image/png":                        ".png",
	"image/jpeg":                       ".jpg",
	"image/jpg":                        ".jpg",
	"image/pjpeg":                      ".jpg",
	"image/gif":                        ".gif",
	"image/bmp":                        ".bmp",
	"image/webp":                       ".webp",
	"image/tiff":                       ".tif",
	"image/svg+xml":                    ".svg",
	"text/plain":                       ".txt",
	"text/html":                        ".html",
	"text/csv":                         ".csv",
	"text/calendar":                    ".ics",
	"text/xml":                         ".xml",
	"text/rfc822-headers":              ".txt",
	"message/rfc822":                   ".eml",
	"message/global":                   ".eml",
	"message/delivery-status":          ".txt",
	"message/global-delivery-status":   ".txt",
	"message/disposition-notification": ".txt",
	"message/feedback-report":          ".txt",
	"audio/mpeg":                       ".mp3",
	"video/mp4":                        ".mp4",
}

// madeUpName names the n-th attachment when the message gives no usable
// name: "anexo-1.pdf", "anexo-2.bin".
func madeUpName(mediaType string, n int) string {
	ext, ok := mediaTypeExt[mediaType]
	if !ok {
		ext = ".bin"
	}
	return "anexo-" + strconv.Itoa(n) + ext
}

// maxFilenameBytes bounds attachment names so that they fit any file system.
const maxFilenameBytes = 200

// SafeFilename returns name reduced to a plain file name that is safe to
// show and to use as the last element of a path: RFC 2047 words decoded,
// invalid UTF-8 repaired, any directory part removed, control, bidi and
// zero-width characters dropped, characters Windows forbids replaced by
// "_", leading dots and trailing dots or spaces removed, Windows device
// names prefixed with "_", and the length capped at 200 bytes keeping the
// extension. It returns "" when nothing usable is left; it never returns
// ".", ".." or a name containing "/" or "\".
func SafeFilename(name string) string {
	if name == "" {
		return ""
	}
	name = fixC1(fixInvalidUTF8(name))
	if strings.Contains(name, "=?") {
		name = fixC1(fixInvalidUTF8(enmime.DecodeRFC2047(name)))
	}
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range name {
		switch {
		case r == '\t' || r == '\u00a0' || r == '\u3000':
			b.WriteByte(' ')
		case r == utf8.RuneError, unicode.IsControl(r), invisibleRune(r):
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return ""
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		base, ext = name[:i], name[i:]
	}
	if isWindowsDevice(base) {
		base = "_" + base
	}
	if len(base)+len(ext) > maxFilenameBytes {
		cut := maxFilenameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = strings.TrimRight(base[:cut], ". ")
	}
	return base + ext
}

// invisibleRune reports format characters that can disguise a file name
// (right-to-left overrides turn "fdp.exe" into "exe.pdf") or hide in it.
func invisibleRune(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069,
		r == 0xFEFF, r == 0x00AD, r == 0x061C:
		return true
	}
	return false
}

func isWindowsDevice(base string) bool {
	u := strings.ToUpper(base)
	if i := strings.IndexByte(u, '.'); i >= 0 {
		u = u[:i]
	}
	switch u {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '0' && u[3] <= '9' {
		return true
	}
	return false
}
