package web

import (
	"context"
	"strings"

	"golang.org/x/text/language"

	"github.com/lede-news/lede/internal/edition"
	"github.com/lede-news/lede/internal/i18n"
)

// site is a snapshot of the editions and their sections, read on start and
// whenever a "site" change is seen. Pages consult it without a query.
type site struct {
	editions []*ed
	byCode   map[string]*ed
	matcher  language.Matcher
}

// ed is an edition with what its pages need at hand.
type ed struct {
	edition.Edition
	T          *i18n.Catalog
	Sections   []edition.Section
	sectionsBy map[string]*edition.Section
	sectionsID map[int64]*edition.Section
}

func (e *ed) Section(slug string) *edition.Section { return e.sectionsBy[slug] }

func loadSite(ctx context.Context, store *edition.Store) (*site, error) {
	eds, err := store.All(ctx)
	if err != nil {
		return nil, err
	}
	secs, err := store.Sections(ctx)
	if err != nil {
		return nil, err
	}
	s := &site{byCode: map[string]*ed{}}
	var tags []language.Tag
	for _, e := range eds {
		x := &ed{Edition: e, T: i18n.For(e.Lang), sectionsBy: map[string]*edition.Section{}, sectionsID: map[int64]*edition.Section{}}
		for _, sec := range secs {
			if sec.EditionID == e.ID {
				x.Sections = append(x.Sections, sec)
			}
		}
		for i := range x.Sections {
			x.sectionsBy[x.Sections[i].Slug] = &x.Sections[i]
			x.sectionsID[x.Sections[i].ID] = &x.Sections[i]
		}
		s.editions = append(s.editions, x)
		s.byCode[e.Code] = x
		tags = append(tags, language.Make(e.Lang))
	}
	s.matcher = language.NewMatcher(tags)
	return s, nil
}

// byID finds an edition by id.
func (s *site) byID(id int64) *ed {
	for _, e := range s.editions {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// preferred picks the edition for a reader's Accept-Language; the default
// edition (listed first) when nothing matches.
func (s *site) preferred(acceptLanguage string) *ed {
	if len(s.editions) == 0 {
		return nil
	}
	if acceptLanguage != "" {
		prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(prefs) > 0 {
			_, i, conf := s.matcher.Match(prefs...)
			if conf != language.No {
				return s.editions[i]
			}
		}
	}
	return s.editions[0]
}

// forPath guesses the edition a path belongs to, for error pages.
func (s *site) forPath(path, acceptLanguage string) *ed {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if e, ok := s.byCode[first]; ok {
		return e
	}
	return s.preferred(acceptLanguage)
}
