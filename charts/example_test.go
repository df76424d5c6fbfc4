package charts_test

import (
	"html/template"
	"os"

	"balcao/charts"
)

// A page shows the chart and, beside it, its data as a table.
func ExampleChart_Table() {
	c := &charts.Chart{ID: "backlog", Title: "Pedidos em aberto por antiguidade", Desc: "12 pedidos em aberto.",
		Horizontal: true, CategoryLabel: "Antiguidade", ValueLabel: "Pedidos", TotalLabel: "Total", Lang: "pt-PT",
		Categories: []string{"< 1 dia", "1–3 dias"},
		Series:     []charts.Series{{Name: "Novo", Values: []float64{4, 1}}, {Name: "Em análise", Values: []float64{2, 5}}}}
	page := template.Must(template.New("").Parse(`<figure>{{.SVG}}
<table>{{with .Table}}<caption>{{.Caption}}</caption>
<thead><tr>{{range .Headers}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr><th scope="row">{{.Header}}</th>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>{{end}}</table></figure>
`))
	// A page passes c.SVG(); it is left out of this output for brevity.
	_ = page.Execute(os.Stdout, struct {
		SVG   template.HTML
		Table charts.Table
	}{"", c.Table()})
	// Output:
	// <figure>
	// <table><caption>Pedidos em aberto por antiguidade</caption>
	// <thead><tr><th scope="col">Antiguidade</th><th scope="col">Novo</th><th scope="col">Em análise</th><th scope="col">Total</th></tr></thead>
	// <tbody><tr><th scope="row">&lt; 1 dia</th><td>4</td><td>2</td><td>6</td></tr>
	// <tr><th scope="row">1–3 dias</th><td>1</td><td>5</td><td>6</td></tr>
	// </tbody></table></figure>
}
