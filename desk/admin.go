package desk

import (
	"bytes"
	"mime"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"balcao"
	"balcao/catalog"
	"balcao/secret"
)

// The administration pages: users and roles, teams, organisations, API
// tokens, the mail channels with their outbox, and the catalogue. Only
// admins reach them.

// adminSections are the pages of the administration, in the order its
// navigation lists them.
var adminSections = []string{"users", "teams", "organisations", "tokens", "mail", "catalogue"}

type adminLink struct {
	URL, Label string
	Current    bool
}

type adminPage struct {
	page
	Nav []adminLink
}

func (s *Server) newAdminPage(r *http.Request, v *viewer, section string) adminPage {
	p := adminPage{page: s.newPage(r, v, "admin."+section+".title")}
	for _, sec := range adminSections {
		p.Nav = append(p.Nav, adminLink{URL: "/desk/admin/" + sec, Label: p.L.T("admin." + sec + ".title"), Current: sec == section})
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if m, ok := messages["admin.done."+done]; ok && !strings.Contains(m.PT, "%") {
			p.Status = p.L.T("admin.done." + done)
		}
	}
	return p
}

// admin wraps a handler only admins reach; other staff get a page that
// says so.
func (s *Server) admin(h func(http.ResponseWriter, *http.Request, *viewer)) http.HandlerFunc {
	return s.staff(func(w http.ResponseWriter, r *http.Request, v *viewer) {
		if v.User.Role != balcao.RoleAdmin {
			s.renderError(w, r, v, http.StatusForbidden, "admin.forbidden")
			return
		}
		h(w, r, v)
	})
}

func (s *Server) adminIndex(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newAdminPage(r, v, "index")
	s.render(w, http.StatusOK, "admin", &p)
}

// pathID reads a numeric path value; ok is false (and a 404 is sent) when
// it is not one.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request, v *viewer, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
		return 0, false
	}
	return id, true
}

// --- users ---

var staffRoles = []balcao.Role{balcao.RoleAgent, balcao.RoleSupervisor, balcao.RoleAdmin}

type userRow struct {
	U            *balcao.User
	Role         string
	Language     string
	Organisation string
	Teams        string
	Self         bool
	RoleError    string
	StateError   string
}

type checkOption struct {
	Value, Label string
	Checked      bool
}

type usersPage struct {
	adminPage
	Rows          []userRow
	Filter        string
	Filters       []option
	Roles         []option
	Languages     []option
	Teams         []checkOption
	Form          newUserForm
	Created       *balcao.User
	Password      string
	Organisations []option
}

type newUserForm struct {
	Email, Name, Role, Language, Organisation string
	Teams                                     []string
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &usersPage{adminPage: s.newAdminPage(r, v, "users")}
	p.Form.Role = string(balcao.RoleAgent)
	p.Form.Language = catalog.LangPT
	s.renderUsers(w, r, v, p, http.StatusOK)
}

// renderUsers fills the users page's lists and renders it.
func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, v *viewer, p *usersPage, code int) {
	ctx := r.Context()
	l := p.L
	p.Filter = r.URL.Query().Get("role")
	f := balcao.UserFilter{Roles: staffRoles}
	switch {
	case p.Filter == "all":
		f.Roles = nil
	case balcao.Role(p.Filter).Valid():
		f.Roles = []balcao.Role{balcao.Role(p.Filter)}
	default:
		p.Filter = ""
	}
	p.Filters = append(p.Filters, option{"", l.T("admin.users.staff"), p.Filter == ""}, option{"all", l.T("admin.users.everyone"), p.Filter == "all"})
	for _, role := range balcao.Roles {
		p.Filters = append(p.Filters, option{string(role), l.T("role." + string(role)), p.Filter == string(role)})
		p.Roles = append(p.Roles, option{string(role), l.T("role." + string(role)), p.Form.Role == string(role)})
	}
	for _, tag := range languages {
		p.Languages = append(p.Languages, option{tag, languageNames[tag], p.Form.Language == tag})
	}
	users, err := s.Store.ListUsers(ctx, f)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	orgs, err := s.Store.ListOrganisations(ctx, 0)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	orgName := map[int64]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name + " (" + o.Code + ")"
		p.Organisations = append(p.Organisations, option{o.Code, o.Name, o.Code == p.Form.Organisation})
	}
	teams, err := s.Store.ListTeams(ctx)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, t := range teams {
		p.Teams = append(p.Teams, checkOption{t.Code, t.Name, slices.Contains(p.Form.Teams, t.Code)})
	}
	for _, u := range users {
		row := userRow{U: u, Role: l.T("role." + string(u.Role)), Language: languageNames[catalog.NormLang(u.Language)],
			Organisation: orgName[u.OrganisationID], Self: u.ID == v.User.ID,
			RoleError: p.ErrorFor("role-" + strconv.FormatInt(u.ID, 10)), StateError: p.ErrorFor("state-" + strconv.FormatInt(u.ID, 10))}
		if row.Language == "" {
			row.Language = u.Language
		}
		if u.Role.IsStaff() {
			ts, err := s.Store.UserTeams(ctx, u.ID)
			if err != nil {
				s.serverError(w, r, v, err)
				return
			}
			names := make([]string, len(ts))
			for i, t := range ts {
				names[i] = t.Name
			}
			row.Teams = strings.Join(names, ", ")
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, code, "admin_users", p)
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	p := &usersPage{adminPage: s.newAdminPage(r, v, "users")}
	l := p.L
	r.ParseForm()
	p.Form = newUserForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), Language: r.PostFormValue("language"), Organisation: strings.TrimSpace(r.PostFormValue("organisation")),
		Teams: r.PostForm["teams"]}
	u := &balcao.User{Name: p.Form.Name, Role: balcao.Role(p.Form.Role), Language: catalog.NormLang(p.Form.Language), CreatedAt: s.Clock.Now()}
	if a, err := mail.ParseAddress(p.Form.Email); err != nil || a.Address != p.Form.Email {
		p.addError("email", l.T("admin.users.email.invalid"))
	} else if _, err := s.Store.UserByEmail(ctx, p.Form.Email); err == nil {
		p.addError("email", l.T("admin.users.email.taken", p.Form.Email))
	} else if balcao.ErrorCode(err) != balcao.ENOTFOUND {
		s.serverError(w, r, v, err)
		return
	}
	u.Email = p.Form.Email
	if !u.Role.Valid() {
		p.addError("role", l.T("admin.users.role.invalid"))
	}
	if u.Language == "" {
		p.addError("language", l.T("admin.users.language.invalid"))
	}
	if p.Form.Organisation != "" {
		o, err := s.Store.OrganisationByCode(ctx, p.Form.Organisation)
		switch balcao.ErrorCode(err) {
		case "":
			u.OrganisationID = o.ID
		case balcao.ENOTFOUND:
			p.addError("organisation", l.T("admin.users.organisation.unknown", p.Form.Organisation))
		default:
			s.serverError(w, r, v, err)
			return
		}
	}
	var teams []*balcao.Team
	for _, code := range p.Form.Teams {
		t, err := s.Store.TeamByCode(ctx, code)
		if err != nil {
			p.addError("teams", l.T("admin.users.teams.unknown", code))
			continue
		}
		teams = append(teams, t)
	}
	if len(teams) > 0 && !u.Role.IsStaff() && u.Role.Valid() {
		p.addError("teams", l.T("admin.users.teams.notstaff"))
	}
	if len(p.Errors) > 0 {
		s.renderUsers(w, r, v, p, http.StatusUnprocessableEntity)
		return
	}
	password := ""
	if u.Role.IsStaff() {
		password = secret.GeneratePassword()
		hash, err := secret.HashPassword(password)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		u.PasswordHash = hash
	}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		if balcao.ErrorCode(err) == balcao.ECONFLICT {
			p.addError("email", l.T("admin.users.email.taken", u.Email))
			s.renderUsers(w, r, v, p, http.StatusConflict)
			return
		}
		s.serverError(w, r, v, err)
		return
	}
	for _, t := range teams {
		if err := s.Store.AddTeamMember(ctx, t.ID, u.ID); err != nil {
			s.serverError(w, r, v, err)
			return
		}
	}
	s.Logger.Info("desk: user created", "by", v.User.Email, "user", u.Email, "role", u.Role)
	p.Created, p.Password = u, password
	p.Status = l.T("admin.done.user_created", u.Email)
	p.Form = newUserForm{Role: string(balcao.RoleAgent), Language: catalog.LangPT}
	s.renderUsers(w, r, v, p, http.StatusOK)
}

func (s *Server) adminSetRole(w http.ResponseWriter, r *http.Request, v *viewer) {
	id, ok := s.pathID(w, r, v, "id")
	if !ok {
		return
	}
	field := "role-" + strconv.FormatInt(id, 10)
	role := balcao.Role(r.PostFormValue("role"))
	p := &usersPage{adminPage: s.newAdminPage(r, v, "users")}
	if !role.Valid() {
		p.addError(field, p.L.T("admin.users.role.invalid"))
		s.renderUsers(w, r, v, p, http.StatusUnprocessableEntity)
		return
	}
	if s.userChangeFailed(w, r, v, p, field, s.Store.SetUserRole(r.Context(), id, role)) {
		return
	}
	s.Logger.Info("desk: role changed", "by", v.User.Email, "user", id, "role", role)
	// A requester made staff has no password yet: give a temporary one.
	u, err := s.Store.UserByID(r.Context(), id)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if role.IsStaff() && u.PasswordHash == "" {
		password := secret.GeneratePassword()
		hash, err := secret.HashPassword(password)
		if err == nil {
			err = s.Store.SetPasswordHash(r.Context(), u.ID, hash)
		}
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		p.Created, p.Password = u, password
		p.Status = p.L.T("admin.done.role")
		p.Form = newUserForm{Role: string(balcao.RoleAgent), Language: catalog.LangPT}
		s.renderUsers(w, r, v, p, http.StatusOK)
		return
	}
	http.Redirect(w, r, "/desk/admin/users?done=role", http.StatusSeeOther)
}

// userChangeFailed answers a change of a user that failed, and reports
// whether it did: the store refuses to leave the desk without an active
// admin, which is shown beside field; anything else is a server error.
func (s *Server) userChangeFailed(w http.ResponseWriter, r *http.Request, v *viewer, p *usersPage, field string, err error) bool {
	switch {
	case err == nil:
		return false
	case balcao.ErrorCode(err) == balcao.ECONFLICT:
		p.addError(field, p.L.T("admin.users.lastadmin"))
		s.renderUsers(w, r, v, p, http.StatusConflict)
	default:
		s.serverError(w, r, v, err)
	}
	return true
}

func (s *Server) adminSetDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		id, ok := s.pathID(w, r, v, "id")
		if !ok {
			return
		}
		field := "state-" + strconv.FormatInt(id, 10)
		p := &usersPage{adminPage: s.newAdminPage(r, v, "users")}
		if disabled && id == v.User.ID {
			p.addError(field, p.L.T("admin.users.self"))
			s.renderUsers(w, r, v, p, http.StatusConflict)
			return
		}
		if s.userChangeFailed(w, r, v, p, field, s.Store.SetUserDisabled(r.Context(), id, disabled)) {
			return
		}
		s.Logger.Info("desk: user state changed", "by", v.User.Email, "user", id, "disabled", disabled)
		done := "enabled"
		if disabled {
			done = "disabled"
		}
		http.Redirect(w, r, "/desk/admin/users?done="+done, http.StatusSeeOther)
	}
}

// --- teams ---

type teamBlock struct {
	T       *balcao.Team
	Members []*balcao.User
	Field   string
	Error   string
	Value   string
}

type teamsPage struct {
	adminPage
	Teams []teamBlock
}

func (s *Server) adminTeams(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &teamsPage{adminPage: s.newAdminPage(r, v, "teams")}
	s.renderTeams(w, r, v, p, http.StatusOK, "")
}

func (s *Server) renderTeams(w http.ResponseWriter, r *http.Request, v *viewer, p *teamsPage, code int, value string) {
	teams, err := s.Store.ListTeams(r.Context())
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, t := range teams {
		ms, err := s.Store.TeamMembers(r.Context(), t.ID)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		b := teamBlock{T: t, Members: ms, Field: "add-" + t.Code}
		b.Error = p.ErrorFor(b.Field)
		if b.Error != "" {
			b.Value = value
		}
		p.Teams = append(p.Teams, b)
	}
	s.render(w, code, "admin_teams", p)
}

func (s *Server) adminAddMember(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	t, err := s.Store.TeamByCode(ctx, r.PathValue("code"))
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	p := &teamsPage{adminPage: s.newAdminPage(r, v, "teams")}
	email := strings.TrimSpace(r.PostFormValue("email"))
	field := "add-" + t.Code
	if email == "" {
		p.addError(field, p.L.T("admin.teams.email.missing", t.Name))
		s.renderTeams(w, r, v, p, http.StatusUnprocessableEntity, email)
		return
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if balcao.ErrorCode(err) == balcao.ENOTFOUND {
		p.addError(field, p.L.T("admin.teams.email.unknown", t.Name, email))
		s.renderTeams(w, r, v, p, http.StatusUnprocessableEntity, email)
		return
	}
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !u.Role.IsStaff() || u.Disabled {
		p.addError(field, p.L.T("admin.teams.email.notstaff", t.Name, email))
		s.renderTeams(w, r, v, p, http.StatusUnprocessableEntity, email)
		return
	}
	if err := s.Store.AddTeamMember(ctx, t.ID, u.ID); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/desk/admin/teams?done=member_added", http.StatusSeeOther)
}

func (s *Server) adminRemoveMember(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.Store.TeamByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	id, ok := s.pathID(w, r, v, "id")
	if !ok {
		return
	}
	if err := s.Store.RemoveTeamMember(r.Context(), t.ID, id); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/desk/admin/teams?done=member_removed", http.StatusSeeOther)
}

// --- organisations ---

type orgRow struct {
	O        *balcao.Organisation
	Levels   bool
	Created  string
	InConfig bool
}

type orgsPage struct {
	adminPage
	Rows []orgRow
}

func (s *Server) adminOrganisations(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &orgsPage{adminPage: s.newAdminPage(r, v, "organisations")}
	orgs, err := s.Store.ListOrganisations(r.Context(), 5000)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, o := range orgs {
		row := orgRow{O: o, Created: s.formatTime(o.CreatedAt)}
		if s.Catalog != nil {
			if co := s.Catalog.Organisation(o.Code); co != nil {
				row.InConfig, row.Levels = true, co.Levels != nil
			}
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, http.StatusOK, "admin_organisations", p)
}

// --- API tokens ---

type tokenRow struct {
	T                          *balcao.APIToken
	Created, LastUsed, Revoked string
}

type tokensPage struct {
	adminPage
	Rows         []tokenRow
	Name, Email  string
	Secret       string
	SecretName   string
	SecretHolder string
}

func (s *Server) adminTokens(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &tokensPage{adminPage: s.newAdminPage(r, v, "tokens"), Email: v.User.Email}
	s.renderTokens(w, r, v, p, http.StatusOK)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, v *viewer, p *tokensPage, code int) {
	ts, err := s.Store.ListTokens(r.Context())
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, t := range ts {
		row := tokenRow{T: t, Created: s.formatTime(t.CreatedAt), LastUsed: s.formatTime(t.LastUsedAt)}
		if !t.RevokedAt.IsZero() {
			row.Revoked = s.formatTime(t.RevokedAt)
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, code, "admin_tokens", p)
}

// maxTokenName bounds a token's name, in characters.
const maxTokenName = 100

func (s *Server) adminCreateToken(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	p := &tokensPage{adminPage: s.newAdminPage(r, v, "tokens")}
	p.Name = strings.TrimSpace(r.PostFormValue("name"))
	p.Email = strings.TrimSpace(r.PostFormValue("email"))
	switch n := len([]rune(p.Name)); {
	case n == 0:
		p.addError("token-name", p.L.T("admin.tokens.name.missing"))
	case n > maxTokenName:
		p.addError("token-name", p.L.T("admin.tokens.name.long", maxTokenName))
	}
	var holder *balcao.User
	if p.Email == "" {
		p.addError("token-email", p.L.T("admin.tokens.email.missing"))
	} else {
		u, err := s.Store.UserByEmail(ctx, p.Email)
		switch {
		case balcao.ErrorCode(err) == balcao.ENOTFOUND:
			p.addError("token-email", p.L.T("admin.tokens.email.unknown", p.Email))
		case err != nil:
			s.serverError(w, r, v, err)
			return
		case u.Disabled:
			p.addError("token-email", p.L.T("admin.tokens.email.disabled", p.Email))
		default:
			holder = u
		}
	}
	if len(p.Errors) > 0 {
		s.renderTokens(w, r, v, p, http.StatusUnprocessableEntity)
		return
	}
	token, hash := secret.NewToken()
	t := &balcao.APIToken{UserID: holder.ID, Name: p.Name, Hash: hash, CreatedAt: s.Clock.Now()}
	if err := s.Store.CreateToken(ctx, t); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	s.Logger.Info("desk: API token created", "by", v.User.Email, "token", t.ID, "holder", holder.Email)
	p.Secret, p.SecretName, p.SecretHolder = token, t.Name, holder.Email
	p.Status = p.L.T("admin.done.token_created", t.Name)
	p.Name, p.Email = "", v.User.Email
	s.renderTokens(w, r, v, p, http.StatusOK)
}

func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request, v *viewer) {
	id, ok := s.pathID(w, r, v, "id")
	if !ok {
		return
	}
	if err := s.Store.RevokeToken(r.Context(), id, s.Clock.Now()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	s.Logger.Info("desk: API token revoked", "by", v.User.Email, "token", id)
	http.Redirect(w, r, "/desk/admin/tokens?done=token_revoked", http.StatusSeeOther)
}

// --- mail ---

type outboxRow struct {
	O                   *balcao.OutboxItem
	To, Subject         string
	Created, Next, Sent string
}

type quarantineRow struct {
	Q                  *balcao.Quarantined
	Received, From, To string
}

type channelRow struct {
	Service, Address, Phone, Portal string
}

type mailPage struct {
	adminPage
	Channels   []channelRow
	Tabs       []viewLink
	Current    string
	Outbox     []outboxRow
	Quarantine []quarantineRow
	Caption    string
}

// mailShown is how many outbox and quarantine entries the page lists.
const mailShown = 50

func (s *Server) adminMail(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	p := &mailPage{adminPage: s.newAdminPage(r, v, "mail")}
	l := p.L
	if s.Catalog != nil {
		for _, sv := range s.Catalog.Services {
			p.Channels = append(p.Channels, channelRow{Service: sv.Name.Get(l.Lang), Address: sv.Address, Phone: sv.Phone, Portal: sv.Portal})
		}
	}
	st := balcao.OutboxStatus(r.URL.Query().Get("status"))
	if st != balcao.OutboxSent && st != balcao.OutboxFailed {
		st = balcao.OutboxPending
	}
	for _, x := range []balcao.OutboxStatus{balcao.OutboxPending, balcao.OutboxFailed, balcao.OutboxSent} {
		p.Tabs = append(p.Tabs, viewLink{ID: "outbox-" + string(x), Label: l.T("admin.mail.status." + string(x)), URL: "/desk/admin/mail?status=" + string(x), Current: x == st})
	}
	p.Current = string(st)
	p.Caption = l.T("admin.mail.outbox.caption", l.T("admin.mail.status."+string(st)), mailShown)
	items, err := s.Store.ListOutbox(ctx, st, mailShown)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, o := range items {
		row := outboxRow{O: o, To: strings.Join(o.Recipients, ", "), Subject: rawSubject(o.Raw),
			Created: s.formatTime(o.CreatedAt), Next: s.formatTime(o.NextAttemptAt), Sent: s.formatTime(o.SentAt)}
		p.Outbox = append(p.Outbox, row)
	}
	qs, err := s.Store.ListQuarantine(ctx, mailShown)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, q := range qs {
		row := quarantineRow{Q: q, Received: s.formatTime(q.ReceivedAt), From: q.Envelope.MailFrom, To: strings.Join(q.Envelope.Recipients, ", ")}
		if row.From == "" {
			row.From = "<>"
		}
		p.Quarantine = append(p.Quarantine, row)
	}
	s.render(w, http.StatusOK, "admin_mail", p)
}

// --- catalogue ---

type rtRow struct {
	RT       *catalog.RequestType
	Title    string
	Team     string
	Priority string
	Channels string
	Fields   int
}

type serviceBlock struct {
	S     *catalog.Service
	Name  string
	Types []rtRow
}

type cataloguePage struct {
	adminPage
	Loaded   bool
	Problems []catalog.Problem
	Teams    []*catalog.Team
	Services []serviceBlock
}

func (s *Server) adminCatalogue(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &cataloguePage{adminPage: s.newAdminPage(r, v, "catalogue")}
	l := p.L
	if c := s.Catalog; c != nil {
		p.Loaded = true
		p.Problems = c.Check()
		p.Teams = c.Teams
		for _, sv := range c.Services {
			b := serviceBlock{S: sv, Name: sv.Name.Get(l.Lang)}
			for _, rt := range sv.RequestTypes {
				row := rtRow{RT: rt, Title: rt.Title.Get(l.Lang), Team: rt.Team, Priority: l.T("priority." + strconv.Itoa(rt.Priority())), Fields: len(rt.Fields)}
				if t := c.Team(rt.Team); t != nil {
					row.Team = t.Name.Get(l.Lang)
				}
				chs := make([]string, len(rt.Channels))
				for i, ch := range rt.Channels {
					chs[i] = l.T("channel." + string(ch))
				}
				row.Channels = strings.Join(chs, ", ")
				b.Types = append(b.Types, row)
			}
			p.Services = append(p.Services, b)
		}
	}
	s.render(w, http.StatusOK, "admin_catalogue", p)
}

// rawSubject is the decoded Subject of a stored message, "" when it has
// none or cannot be read.
func rawSubject(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	subject := m.Header.Get("Subject")
	if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
		subject = dec
	}
	return subject
}
