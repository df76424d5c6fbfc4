package catalog

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// fileDoc is the top level of a catalogue file. Definitions holds YAML
// anchors that the rest of the file refers to (*name, or "<<: *name" to reuse
// one and change some keys); it is not read otherwise.
type fileDoc struct {
	Definitions   ignored         `yaml:"definitions"`
	Teams         []*Team         `yaml:"teams"`
	Services      []*Service      `yaml:"services"`
	Calendars     []*Calendar     `yaml:"calendars"`
	Organisations []*Organisation `yaml:"organisations"`

	file string
}

// ignored is a YAML value that is accepted whatever it holds.
type ignored struct{}

// maxNodes bounds the work of decoding one file, aliases included, so that a
// hostile file (a "billion laughs" of nested aliases) costs little.
const maxNodes = 100_000

// maxFileBytes bounds the size of one catalogue file.
const maxFileBytes = 4 << 20

// decoder turns a yaml.v3 node tree into catalogue structs, strictly: an
// unknown key, a value of the wrong type or a duplicate key is a Problem
// with its line, never a panic.
type decoder struct {
	file     string
	problems []Problem
	budget   int
	overrun  bool
}

// parseFile decodes one catalogue file. It never panics; problems describe
// what could not be read.
func parseFile(name string, data []byte) (doc *fileDoc, problems []Problem) {
	doc = &fileDoc{}
	if len(data) > maxFileBytes {
		return doc, []Problem{{File: name, Message: fmt.Sprintf("file is larger than %d bytes", maxFileBytes)}}
	}
	var root yaml.Node
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("invalid YAML: %v", r)
			}
		}()
		return yaml.Unmarshal(data, &root)
	}()
	if err != nil {
		return doc, []Problem{{File: name, Line: yamlErrLine(err), Message: cleanYAMLErr(err)}}
	}
	d := &decoder{file: name, budget: maxNodes}
	if root.Kind == 0 || len(root.Content) == 0 {
		return doc, nil // empty file
	}
	n := root.Content[0]
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return doc, nil
	}
	d.decode(n, reflect.ValueOf(doc).Elem(), "")
	if d.overrun {
		// A file that big is refused whole: checking what was read of it
		// would only bury the reason under thousands of problems.
		return &fileDoc{}, []Problem{d.problems[slices.IndexFunc(d.problems, func(p Problem) bool {
			return strings.Contains(p.Message, "too complex")
		})]}
	}
	return doc, d.problems
}

func (d *decoder) problem(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// resolve follows aliases.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 100 {
			return nil
		}
		n = n.Alias
	}
	return n
}

func (d *decoder) spend(n *yaml.Node) bool {
	d.budget--
	if d.budget < 0 {
		if !d.overrun {
			d.overrun = true
			d.problem(n, "file too complex: more than %d values once aliases are expanded", maxNodes)
		}
		return false
	}
	return true
}

var posType = reflect.TypeFor[pos]()

// decode reads n into v; where names the element for messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, where string) {
	orig := n
	n = d.resolve(n)
	if n == nil {
		d.problem(orig, "%s: unresolvable alias", where)
		return
	}
	if !d.spend(n) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // explicit null leaves the zero value
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), where)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[ignored]() {
			return
		}
		d.decodeStruct(n, v, where)
	case reflect.Map: // Text
		d.decodeText(n, v, where)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.problem(n, "%s: expected a list", where)
			return
		}
		s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
		for _, item := range n.Content {
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(item, e, where)
			s = reflect.Append(s, e)
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.problem(n, "%s: expected a text value", where)
			return
		}
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode {
			d.problem(n, "%s: expected a whole number", where)
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
		if err != nil || v.OverflowInt(i) {
			d.problem(n, "%s: %q is not a whole number", where, n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		b, ok := false, n.Kind == yaml.ScalarNode
		if ok {
			switch strings.ToLower(n.Value) {
			case "true":
				b = true
			case "false":
			default:
				ok = false
			}
		}
		if !ok {
			d.problem(n, "%s: expected true or false, got %q", where, n.Value)
			return
		}
		v.SetBool(b)
	default:
		d.problem(n, "%s: unsupported value", where)
	}
}

// decodeText reads a Text: a mapping of language to string, or a plain
// string taken as pt-PT.
func (d *decoder) decodeText(n *yaml.Node, v reflect.Value, where string) {
	t := Text{}
	switch n.Kind {
	case yaml.ScalarNode:
		t[LangPT] = n.Value
	case yaml.MappingNode:
		for _, kv := range d.pairs(n, where) {
			k, val := kv[0], d.resolve(kv[1])
			if val == nil || val.Kind != yaml.ScalarNode {
				d.problem(kv[1], "%s: the text in %q must be a string", where, k.Value)
				continue
			}
			if !slices.Contains(Languages, k.Value) {
				d.problem(k, "%s: unknown language %q (use %s)", where, k.Value, strings.Join(Languages, ", "))
				continue
			}
			t[k.Value] = val.Value
		}
	default:
		d.problem(n, "%s: expected a text or a mapping of language to text", where)
		return
	}
	v.Set(reflect.ValueOf(t))
}

// pairs returns the key/value pairs of a mapping with merge keys ("<<")
// applied: keys written in the mapping win over merged ones. Duplicate keys
// and non-scalar keys are problems.
func (d *decoder) pairs(n *yaml.Node, where string) [][2]*yaml.Node {
	var own, merged [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := d.resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			d.problem(n.Content[i], "%s: keys must be plain words", where)
			continue
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			merged = append(merged, d.mergePairs(val, where, 0)...)
			continue
		}
		if seen[k.Value] {
			d.problem(k, "%s: key %q appears twice", where, k.Value)
			continue
		}
		seen[k.Value] = true
		own = append(own, [2]*yaml.Node{k, val})
	}
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			seen[kv[0].Value] = true
			own = append(own, kv)
		}
	}
	return own
}

func (d *decoder) mergePairs(n *yaml.Node, where string, depth int) [][2]*yaml.Node {
	n = d.resolve(n)
	if n == nil || depth > 10 || !d.spend(n) {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return d.pairs(n, where)
	case yaml.SequenceNode:
		var out [][2]*yaml.Node
		seen := map[string]bool{}
		for _, m := range n.Content {
			for _, kv := range d.mergePairs(m, where, depth+1) {
				if !seen[kv[0].Value] { // earlier maps win, as in YAML 1.1
					seen[kv[0].Value] = true
					out = append(out, kv)
				}
			}
		}
		return out
	}
	d.problem(n, "%s: << must refer to a mapping", where)
	return nil
}

type structInfo struct {
	keys  map[string]int
	names []string
}

// infoOf lists the YAML keys of a struct type. It is not cached: loading a
// catalogue is rare and the structs are small.
func infoOf(t reflect.Type) *structInfo {
	si := &structInfo{keys: map[string]int{}}
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		si.keys[tag] = i
		si.names = append(si.names, tag)
	}
	return si
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, where string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, "%s: expected a mapping of keys to values", where)
		return
	}
	si := infoOf(v.Type())
	pairs := d.pairs(n, where)
	if ps, ok := v.Addr().Interface().(interface {
		setPos(string, int, map[string]int)
	}); ok {
		keys := make(map[string]int, len(pairs))
		for _, kv := range pairs {
			keys[kv[0].Value] = kv[0].Line
		}
		ps.setPos(d.file, n.Line, keys)
	}
	// Name the element by its code or key for better messages.
	name := where
	for _, kv := range pairs {
		if (kv[0].Value == "code" || kv[0].Value == "key") && kv[1].Kind == yaml.ScalarNode {
			name = fmt.Sprintf("%s %q", strings.TrimSpace(typeNoun(v.Type())), kv[1].Value)
		}
	}
	if name == "" {
		name = typeNoun(v.Type())
	}
	for _, kv := range pairs {
		i, ok := si.keys[kv[0].Value]
		if !ok {
			d.problem(kv[0], "%s: unknown key %q (known keys: %s)", name, kv[0].Value, strings.Join(si.names, ", "))
			continue
		}
		d.decode(kv[1], v.Field(i), name)
	}
}

func typeNoun(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[fileDoc]():
		return "file"
	case reflect.TypeFor[Team]():
		return "team"
	case reflect.TypeFor[Service]():
		return "service"
	case reflect.TypeFor[RequestType]():
		return "request type"
	case reflect.TypeFor[Field]():
		return "field"
	case reflect.TypeFor[Choice]():
		return "choice"
	case reflect.TypeFor[OneOf]():
		return "one_of"
	case reflect.TypeFor[AttachmentSlot]():
		return "attachment"
	}
	return strings.ToLower(t.Name())
}

// yamlErrLine extracts the line from a yaml.v3 error message ("yaml: line 7:
// ...").
func yamlErrLine(err error) int {
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		rest := s[i+5:]
		j := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if j < 0 {
			j = len(rest)
		}
		if n, err := strconv.Atoi(rest[:j]); err == nil {
			return n
		}
	}
	return 0
}

func cleanYAMLErr(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(s, "line ") {
		if i := strings.Index(s, ": "); i >= 0 {
			s = s[i+2:]
		}
	}
	return "invalid YAML: " + s
}
