// Command bare is the benchmark's reference ceiling: a bare net/http server
// that answers every request with the same precomputed bytes (the article
// page saved from Lede, and optionally Lede's response headers), with no
// routing, cache lookup, view counting or timeouts. bench/article.sh runs it
// next to Lede and nginx; it is not part of Lede.
//
//	go run ./bench/bare -addr 127.0.0.1:8090 -file page.html -header page.headers
package main

import (
	"bufio"
	"bytes"
	"flag"
	"log"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
)

// field is one response header field, set as is on every response.
type field struct {
	key   string
	value []string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on")
	file := flag.String("file", "", "file whose bytes every response carries")
	header := flag.String("header", "", "optional response header dump (curl -D) whose fields every response carries")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	fields := []field{{"Content-Type", []string{"text/html; charset=utf-8"}}}
	if *header != "" {
		if fields, err = readHeader(*header); err != nil {
			log.Fatal(err)
		}
	}
	fields = append(fields, field{"Content-Length", []string{strconv.Itoa(len(body))}})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, f := range fields {
			hd[f.key] = f.value
		}
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, h))
}

// readHeader reads the fields of an HTTP response header dump, except those
// net/http sets itself.
func readHeader(name string) ([]field, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []field
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimRight(sc.Text(), "\r"), ":")
		if !ok || strings.HasPrefix(k, "HTTP/") {
			continue
		}
		k = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))
		switch k {
		case "Date", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		}
		out = append(out, field{k, []string{strings.TrimSpace(v)}})
	}
	return out, sc.Err()
}
