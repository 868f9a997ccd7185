package account

import "github.com/lede-news/lede/internal/article"

// Action is something a signed-in user may be allowed to do. Every admin
// route and API call checks one with Can.
type Action string

const (
	ArticleCreate    Action = "article.create"    // start a draft
	ArticleView      Action = "article.view"      // open it in the editor, see its revisions
	ArticleEdit      Action = "article.edit"      // save a draft, submitted or unpublished article
	ArticleEditLive  Action = "article.edit_live" // save one readers see, or will at its time
	ArticleSubmit    Action = "article.submit"    // ask for review
	ArticleReturn    Action = "article.return"    // send it back to its author
	ArticlePublish   Action = "article.publish"   // publish now or schedule
	ArticleUnpublish Action = "article.unpublish" // take it down
	CommentModerate  Action = "comment.moderate"
	TagCreate        Action = "tag.create" // while writing
	TagManage        Action = "tag.manage" // rename, merge, delete
	SectionManage    Action = "section.manage"
	AuthorManage     Action = "author.manage" // bylines and their pages
	AuditView        Action = "audit.view"
	UserManage       Action = "user.manage"
	EditionManage    Action = "edition.manage"
	SettingsManage   Action = "settings.manage"
	WebhookManage    Action = "webhook.manage"    // outgoing webhooks: endpoints, secrets, deliveries
	NewsletterSend   Action = "newsletter.send"   // breaking-news sends, digests now, progress
	NewsletterManage Action = "newsletter.manage" // export and import subscribers (personal data)
)

// Scope is how far a role's permission reaches.
type Scope int

const (
	None Scope = iota
	Own        // only resources the user owns (their own articles)
	Any        // every resource
)

// grants is the whole policy, one line per action: what each role may do.
// A role missing from a line may not do it at all. Contributors write and
// submit their own drafts; authors also publish their own; editors publish,
// edit and moderate anyone's; admins also manage people, editions and
// settings.
var grants = map[Action]map[Role]Scope{
	ArticleCreate:    {RoleContributor: Own, RoleAuthor: Own, RoleEditor: Own, RoleAdmin: Own},
	ArticleView:      {RoleContributor: Own, RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	ArticleEdit:      {RoleContributor: Own, RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	ArticleEditLive:  {RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	ArticleSubmit:    {RoleContributor: Own, RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	ArticleReturn:    {RoleEditor: Any, RoleAdmin: Any},
	ArticlePublish:   {RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	ArticleUnpublish: {RoleAuthor: Own, RoleEditor: Any, RoleAdmin: Any},
	CommentModerate:  {RoleEditor: Any, RoleAdmin: Any},
	TagCreate:        {RoleContributor: Any, RoleAuthor: Any, RoleEditor: Any, RoleAdmin: Any},
	TagManage:        {RoleEditor: Any, RoleAdmin: Any},
	SectionManage:    {RoleEditor: Any, RoleAdmin: Any},
	AuthorManage:     {RoleEditor: Any, RoleAdmin: Any},
	AuditView:        {RoleEditor: Any, RoleAdmin: Any},
	UserManage:       {RoleAdmin: Any},
	EditionManage:    {RoleAdmin: Any},
	SettingsManage:   {RoleAdmin: Any},
	WebhookManage:    {RoleAdmin: Any},
	NewsletterSend:   {RoleEditor: Any, RoleAdmin: Any},
	NewsletterManage: {RoleAdmin: Any},
}

// Actions lists every action, for the permission matrix.
func Actions() []Action {
	return []Action{ArticleCreate, ArticleView, ArticleEdit, ArticleEditLive, ArticleSubmit, ArticleReturn, ArticlePublish,
		ArticleUnpublish, CommentModerate, TagCreate, TagManage, SectionManage, AuthorManage, AuditView,
		UserManage, EditionManage, SettingsManage, WebhookManage,
		NewsletterSend, NewsletterManage}
}

// Can reports whether role may do action on a resource; owns says whether
// the user owns it (wrote the article). For actions without an owner, such
// as creating, pass true. Unknown roles and actions are denied.
func Can(role Role, action Action, owns bool) bool {
	switch grants[action][role] {
	case Any:
		return true
	case Own:
		return owns
	}
	return false
}

// ForStep maps an editorial workflow step on an article in status to the
// action that guards it. Saving a published or scheduled article changes
// what readers see without review, so it needs ArticleEditLive, which
// contributors lack. ActDue has no action: only the scheduler takes it.
func ForStep(act article.Action, status string) (Action, bool) {
	switch act {
	case article.ActSave:
		if status == article.StatusPublished || status == article.StatusScheduled {
			return ArticleEditLive, true
		}
		return ArticleEdit, true
	case article.ActSubmit:
		return ArticleSubmit, true
	case article.ActReturn:
		return ArticleReturn, true
	case article.ActPublish, article.ActSchedule:
		return ArticlePublish, true
	case article.ActUnpublish:
		return ArticleUnpublish, true
	}
	return "", false
}

// CanStep reports whether role may take workflow step act on an article in
// status; owns says whether the user wrote it.
func CanStep(role Role, act article.Action, status string, owns bool) bool {
	a, ok := ForStep(act, status)
	return ok && Can(role, a, owns)
}
