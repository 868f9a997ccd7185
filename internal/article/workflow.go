package article

import (
	"errors"
	"fmt"
)

// More statuses of the editorial workflow. Only published articles are
// public.
const (
	StatusSubmitted   = "submitted"   // waiting for an editor's review
	StatusUnpublished = "unpublished" // taken down; its URL answers 404
)

// Action is a step of the editorial workflow.
type Action string

const (
	ActSave      Action = "save"      // keep the status, store a revision
	ActSubmit    Action = "submit"    // ask for review
	ActReturn    Action = "return"    // an editor sends it back to its author
	ActPublish   Action = "publish"   // publish now
	ActSchedule  Action = "schedule"  // publish at published_at, later
	ActDue       Action = "due"       // the scheduled time came (job)
	ActUnpublish Action = "unpublish" // take down
)

// ErrIllegalTransition is returned for a step the workflow does not allow
// from the article's status.
var ErrIllegalTransition = errors.New("article: illegal workflow step")

// transitions maps status and action to the next status.
var transitions = map[string]map[Action]string{
	StatusDraft: {ActSave: StatusDraft, ActSubmit: StatusSubmitted, ActPublish: StatusPublished, ActSchedule: StatusScheduled},
	StatusSubmitted: {ActSave: StatusSubmitted, ActReturn: StatusDraft, ActPublish: StatusPublished,
		ActSchedule: StatusScheduled},
	StatusScheduled: {ActSave: StatusScheduled, ActReturn: StatusDraft, ActPublish: StatusPublished,
		ActSchedule: StatusScheduled, ActDue: StatusPublished},
	StatusPublished:   {ActSave: StatusPublished, ActUnpublish: StatusUnpublished},
	StatusUnpublished: {ActSave: StatusUnpublished, ActReturn: StatusDraft, ActPublish: StatusPublished},
}

// Next returns the status an article in status from reaches by act.
func Next(from string, act Action) (string, error) {
	to, ok := transitions[from][act]
	if !ok {
		return "", fmt.Errorf("%w: cannot %s an article that is %s", ErrIllegalTransition, act, from)
	}
	return to, nil
}

// Statuses lists every status, for forms and filters.
func Statuses() []string {
	return []string{StatusDraft, StatusSubmitted, StatusScheduled, StatusPublished, StatusUnpublished}
}

// Actions lists every action.
func Actions() []Action {
	return []Action{ActSave, ActSubmit, ActReturn, ActPublish, ActSchedule, ActDue, ActUnpublish}
}
