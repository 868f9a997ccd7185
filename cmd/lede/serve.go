package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/comment"
	"github.com/lede-news/lede/internal/config"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/demo"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/mail"
	"github.com/lede-news/lede/internal/newsletter"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/pagecache"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/reader"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/search"
	"github.com/lede-news/lede/internal/views"
	"github.com/lede-news/lede/internal/web"
	"github.com/lede-news/lede/internal/webhook"
)

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	log.Info("database open", "engine", d.Dialect.String(), "dsn", config.Redact(d.DSN))
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("migrated", "applied", applied)
	}
	rel := &related.Store{DB: d}
	srch := search.New(d)
	if cfg.Demo {
		// Nodes starting together: one loads the demo, the others find it there.
		err := d.Exclusive(ctx, "demo", func() error {
			empty, err := demo.Empty(ctx, d)
			if err != nil || !empty {
				return err
			}
			start := time.Now()
			res, err := demo.Load(ctx, &importer.Importer{DB: d, Related: rel, Search: srch, Log: log}, time.Now())
			if err != nil {
				return fmt.Errorf("demo content: %w", err)
			}
			log.Info("demo content loaded", "records", res.Created, "took", time.Since(start).Round(time.Millisecond))
			return nil
		})
		if err != nil {
			return err
		}
	}

	if n, err := srch.Missing(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("search index incomplete: run lede reindex", "articles_missing", n)
	}

	counter := views.New(d, log)
	if err := counter.Load(ctx); err != nil {
		return err
	}
	pub := &publish.Publisher{Related: rel, Search: srch}
	hooks := &webhook.Service{DB: d, BaseURL: cfg.BaseURL, Log: log,
		Policy: webhook.Policy{AllowPrivate: cfg.WebhookAllowPrivate, Allow: cfg.WebhookAllow}}
	pub.Events = hooks
	if cfg.WebhookAllowPrivate {
		log.Warn("webhooks may reach loopback and private addresses (webhook-allow-private): for development and tests only")
	}
	users := &account.Store{DB: d}
	mailer, err := mail.New(mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.MailFrom, Dir: filepath.Join(cfg.Data, "mail")})
	if err != nil {
		return err
	}
	if mailer.Development() {
		log.Info("no SMTP server set: outgoing mail is written to the data folder", "dir", filepath.Join(cfg.Data, "mail"))
	}
	commentCfg, err := comment.ParseConfig(cfg.Comments)
	if err != nil {
		return err
	}
	newsroomUI := &web.AdminDeps{Users: users, Sessions: &account.Sessions{DB: d}, Throttle: &account.Throttle{DB: d},
		Newsroom: &newsroom.Newsroom{DB: d, Publisher: pub}, Limiter: &account.Limiter{DB: d}, Mail: mailer}
	newsroomUI.Webhooks = hooks
	letters := &newsletter.Service{DB: d, Mail: mailer, Limiter: &account.Limiter{DB: d}, BaseURL: cfg.BaseURL, Log: log}
	h, err := web.New(ctx, web.Deps{DB: d, Related: rel, Search: srch, Views: counter, Cache: pagecache.New(cfg.CachePages),
		Proxies: cfg.TrustedProxies, BaseURL: cfg.BaseURL, Log: log, Dev: cfg.Dev, Admin: newsroomUI, Newsletter: letters,
		Readers: &web.ReaderDeps{Mail: mailer, Providers: cfg.OAuth}, Comments: commentCfg})
	if err != nil {
		return err
	}
	if token, err := users.NewSetupToken(ctx); err == nil {
		log.Warn("no administrator yet: create one at the set-up page, or with lede user add",
			"url", cfg.BaseURL+"/admin/setup?token="+token)
	} else if !errors.Is(err, account.ErrAdminExists) {
		return err
	}

	// Background work stops after the server has drained, so the views of
	// the last requests are in the final flush.
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	// Flushing twice a second bounds the views a killed node loses to less
	// than its last second (the pending half second and one batch in flight).
	go func() { counter.Run(bg, 500*time.Millisecond); close(done) }()
	poller := &changes.Poller{DB: d, Log: log, Apply: func(tags []string) { h.Invalidate(bg, tags) }}
	go poller.Run(bg, 500*time.Millisecond)
	go prune(bg, d, log)
	go hooks.PruneEvery(bg, 10*time.Minute, 30*24*time.Hour)
	digests := &newsletter.Scheduler{Service: letters, At: cfg.DigestAt}
	if err := digests.Schedule(ctx); err != nil {
		stopBG()
		return err
	}
	runner := &jobs.Runner{DB: d, Log: log, Handlers: map[string]jobs.Handler{
		publish.JobKind:          pub.Job,
		newsletter.JobKind:       digests.Job,
		comment.NotifyJobKind:    (&comment.Notifier{DB: d, Mail: mailer, BaseURL: cfg.BaseURL}).Job,
		comment.FlagAlertJobKind: (&comment.FlagAlerter{Mail: mailer, BaseURL: cfg.BaseURL}).Job,
	}, Outside: map[string]jobs.Outside{
		webhook.JobKind: hooks.Job,
	}}
	go runner.Run(bg, 500*time.Millisecond)
	go (&comment.Moderator{DB: d, Config: commentCfg}).RunFlagSweeper(bg, 10*time.Second, log) // moderators' flag emails, once across nodes
	lettersDone := make(chan struct{})                                                         // a stopping node finishes the message in flight
	go func() {
		(&newsletter.Worker{Service: letters, Rate: cfg.NewsletterRate, Lease: cfg.NewsletterLease}).Run(bg, time.Second)
		close(lettersDone)
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopBG()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("listening", "addr", ln.Addr().String(), "url", cfg.BaseURL)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	}
	stopBG()
	<-done
	<-lettersDone
	log.Info("stopped", "views_flushed", true)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func prune(ctx context.Context, d *db.DB, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := errors.Join(changes.Prune(ctx, d), (&account.Throttle{DB: d}).Purge(ctx),
				(&account.Limiter{DB: d}).Purge(ctx, time.Now().Add(-24*time.Hour)))
			err = errors.Join(err, (&reader.Store{DB: d}).Purge(ctx))
			if _, perr := (&account.Sessions{DB: d}).Purge(ctx); perr != nil {
				err = errors.Join(err, perr)
			}
			if err != nil {
				log.Warn("prune", "err", err)
			}
		}
	}
}
