package account

import (
	"testing"

	"github.com/lede-news/lede/internal/article"
)

// policy is the newsroom's rules written out by hand, independent of
// grants: per action, the scope of admin, editor, author, contributor
// ('A' anyone's, 'O' own only, '-' never).
var policy = map[Action]string{
	ArticleCreate:    "OOOO",
	ArticleView:      "AAOO",
	ArticleEdit:      "AAOO",
	ArticleEditLive:  "AAO-",
	ArticleSubmit:    "AAOO",
	ArticleReturn:    "AA--",
	ArticlePublish:   "AAO-",
	ArticleUnpublish: "AAO-",
	CommentModerate:  "AA--",
	TagCreate:        "AAAA",
	TagManage:        "AA--",
	SectionManage:    "AA--",
	AuthorManage:     "AA--",
	AuditView:        "AA--",
	UserManage:       "A---",
	EditionManage:    "A---",
	SettingsManage:   "A---",
	WebhookManage:    "A---",
	NewsletterSend:   "AA--",
	NewsletterManage: "A---",
}

// Every role × action × ownership, each denial its own subtest.
func TestCanMatrix(t *testing.T) {
	if len(policy) != len(Actions()) {
		t.Fatalf("policy covers %d actions, Actions() lists %d", len(policy), len(Actions()))
	}
	for _, a := range Actions() {
		scopes, ok := policy[a]
		if !ok {
			t.Fatalf("action %s missing from the policy table", a)
		}
		for i, role := range Roles() {
			for _, owns := range []bool{true, false} {
				want := scopes[i] == 'A' || scopes[i] == 'O' && owns
				name := string(role) + "/" + string(a) + "/others"
				if owns {
					name = string(role) + "/" + string(a) + "/own"
				}
				t.Run(name, func(t *testing.T) {
					if got := Can(role, a, owns); got != want {
						t.Errorf("Can(%s, %s, owns=%v) = %v, want %v", role, a, owns, got, want)
					}
				})
			}
		}
	}
}

func TestCanRefusesTheUnknown(t *testing.T) {
	for _, a := range Actions() {
		if Can("", a, true) || Can("owner", a, true) {
			t.Errorf("an unknown role may %s", a)
		}
	}
	if Can(RoleAdmin, "article.delete_everything", true) {
		t.Error("an unknown action is allowed")
	}
}

// Every workflow step on every status, for each role, on one's own
// article and on someone else's.
func TestCanStep(t *testing.T) {
	type key struct {
		role   Role
		act    article.Action
		status string
		owns   bool
	}
	// The rules of the issue in words, checked against every combination.
	want := func(k key) bool {
		switch k.act {
		case article.ActDue:
			return false // the scheduler's step, nobody's
		case article.ActSave:
			live := k.status == article.StatusPublished || k.status == article.StatusScheduled
			switch k.role {
			case RoleAdmin, RoleEditor:
				return true
			case RoleAuthor:
				return k.owns
			case RoleContributor:
				return k.owns && !live // drafts only
			}
		case article.ActSubmit:
			return k.role == RoleAdmin || k.role == RoleEditor || k.owns
		case article.ActReturn:
			return k.role == RoleAdmin || k.role == RoleEditor
		case article.ActPublish, article.ActSchedule, article.ActUnpublish:
			return k.role == RoleAdmin || k.role == RoleEditor || k.role == RoleAuthor && k.owns
		}
		t.Fatalf("step %s not covered by the test", k.act)
		return false
	}
	for _, role := range Roles() {
		for _, act := range article.Actions() {
			for _, status := range article.Statuses() {
				for _, owns := range []bool{true, false} {
					k := key{role, act, status, owns}
					if got := CanStep(role, act, status, owns); got != want(k) {
						t.Errorf("CanStep(%s, %s, %s, owns=%v) = %v, want %v", role, act, status, owns, got, want(k))
					}
				}
			}
		}
	}
}
