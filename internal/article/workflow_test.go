package article

import (
	"errors"
	"testing"
)

// Every pair of status and action: the allowed ones lead where the table
// says, every other one is refused.
func TestWorkflow(t *testing.T) {
	allowed := map[[2]string]string{
		{StatusDraft, "save"}: StatusDraft, {StatusDraft, "submit"}: StatusSubmitted,
		{StatusDraft, "publish"}: StatusPublished, {StatusDraft, "schedule"}: StatusScheduled,
		{StatusSubmitted, "save"}: StatusSubmitted, {StatusSubmitted, "return"}: StatusDraft,
		{StatusSubmitted, "publish"}: StatusPublished, {StatusSubmitted, "schedule"}: StatusScheduled,
		{StatusScheduled, "save"}: StatusScheduled, {StatusScheduled, "return"}: StatusDraft,
		{StatusScheduled, "publish"}: StatusPublished, {StatusScheduled, "schedule"}: StatusScheduled,
		{StatusScheduled, "due"}:  StatusPublished,
		{StatusPublished, "save"}: StatusPublished, {StatusPublished, "unpublish"}: StatusUnpublished,
		{StatusUnpublished, "save"}: StatusUnpublished, {StatusUnpublished, "return"}: StatusDraft,
		{StatusUnpublished, "publish"}: StatusPublished,
	}
	for _, from := range append(Statuses(), "bogus") {
		for _, act := range append(Actions(), "fly") {
			to, err := Next(from, act)
			want, ok := allowed[[2]string{from, string(act)}]
			switch {
			case ok && (err != nil || to != want):
				t.Errorf("%s + %s = %q, %v; want %q", from, act, to, err, want)
			case !ok && !errors.Is(err, ErrIllegalTransition):
				t.Errorf("%s + %s = %q, %v; want refused", from, act, to, err)
			}
		}
	}
}
