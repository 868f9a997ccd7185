// Command viral is the load generator of bench/viral.sh.
//
//	viral burst -n 1000 URL
//
// sends n requests for URL at once, each on its own connection and from a
// reader of its own, and prints how they were answered.
//
//	viral load -c 48 -d 30s -out FILE URL1 URL2 …
//
// sends requests for the same path to the nodes in turn, from as many
// workers, for the duration, each request from a new reader (a new
// User-Agent), so that every 200 is a view the site should count. Like a
// load balancer, it moves a request whose connection is refused to the
// next node and leaves a refusing node alone for 100 ms; a request that
// reached a node and got no answer (or an answer other than 200) is a
// failure. It prints a summary and writes one line per second to FILE.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 viral-"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: viral burst|load …")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "burst":
		burst(os.Args[2:])
	case "load":
		load(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, "usage: viral burst|load …")
		os.Exit(2)
	}
}

func burst(args []string) {
	fs := flag.NewFlagSet("burst", flag.ExitOnError)
	n := fs.Int("n", 1000, "concurrent requests")
	tag := fs.String("tag", "burst", "reader name prefix")
	fs.Parse(args)
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "viral burst: one URL")
		os.Exit(2)
	}
	url := fs.Arg(0)
	u, err := neturl.Parse(url)
	if err != nil || u.Scheme != "http" {
		fmt.Fprintln(os.Stderr, "viral burst: want an http:// URL")
		os.Exit(2)
	}
	// Connect every client first, so the requests leave together.
	conns := make([]net.Conn, *n)
	for i := range conns {
		if conns[i], err = net.Dial("tcp", u.Host); err != nil {
			fmt.Fprintln(os.Stderr, "viral burst: connect:", err)
			os.Exit(1)
		}
	}
	codes := map[int]int{}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, *n)
	var errs int
	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("User-Agent", fmt.Sprintf("%s%s-%d", ua, *tag, i))
			<-startGate
			t0 := time.Now()
			res, err := onConn(conns[i], req)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				return
			}
			codes[res]++
			lat = append(lat, d)
		}()
	}
	t0 := time.Now()
	close(startGate)
	wg.Wait()
	took := time.Since(t0)
	slices.Sort(lat)
	q := func(f float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(f*float64(len(lat))))].Round(time.Millisecond)
	}
	fmt.Printf("burst %s: %d requests at once: status %v, errors %d, all answered in %s, latency p50 %s p99 %s max %s\n",
		url, *n, codes, errs, took.Round(time.Millisecond), q(0.5), q(0.99), q(1))
	if errs > 0 || codes[200] != *n {
		os.Exit(1)
	}
}

// onConn sends req over the already open conn (HTTP/1.1, one request).
func onConn(c net.Conn, req *http.Request) (int, error) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	if err := req.Write(c); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

type node struct {
	url       string
	downUntil atomic.Int64 // unix nanoseconds
	ok        atomic.Int64
	failed    atomic.Int64
	refused   atomic.Int64 // connection refused: moved to another node
}

func load(args []string) {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	c := fs.Int("c", 48, "workers (connections)")
	d := fs.Duration("d", 30*time.Second, "duration")
	out := fs.String("out", "", "per-second log file")
	tag := fs.String("tag", "load", "reader name prefix: each run needs its own, or its readers are not new")
	fs.Parse(args)
	if fs.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "viral load: URLs")
		os.Exit(2)
	}
	nodes := make([]*node, fs.NArg())
	for i, u := range fs.Args() {
		nodes[i] = &node{url: u}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *c, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), *d)
	defer cancel()

	var seq atomic.Int64
	var failMu sync.Mutex
	var failures []string
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := w % len(nodes)
			for ctx.Err() == nil {
				id := seq.Add(1)
				for tries := 0; tries < 2*len(nodes) && ctx.Err() == nil; tries++ {
					n := nodes[next]
					next = (next + 1) % len(nodes)
					if time.Now().UnixNano() < n.downUntil.Load() {
						continue
					}
					req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), "GET", n.url, nil)
					req.Header.Set("User-Agent", fmt.Sprintf("%s%s-%d", ua, *tag, id))
					res, err := client.Do(req)
					if err != nil && errors.Is(err, syscall.ECONNREFUSED) {
						n.refused.Add(1)
						n.downUntil.Store(time.Now().Add(100 * time.Millisecond).UnixNano())
						continue // never reached the node: a balancer sends it elsewhere
					}
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode == 200 {
							n.ok.Add(1)
							break
						}
						err = fmt.Errorf("status %d", res.StatusCode)
					}
					n.failed.Add(1)
					failMu.Lock()
					failures = append(failures, fmt.Sprintf("%6.2fs %s: %v", time.Since(start).Seconds(), n.url, err))
					failMu.Unlock()
					break
				}
				if time.Now().UnixNano() < minDown(nodes) { // every node refuses: wait a little
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	// One line a second: requests answered per node.
	var logw io.Writer = io.Discard
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		logw = f
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(time.Second)
	prev := make([]int64, len(nodes))
	for loop := true; loop; {
		select {
		case <-done:
			loop = false
		case <-tick.C:
			fmt.Fprintf(logw, "%3.0fs", time.Since(start).Seconds())
			for i, n := range nodes {
				ok := n.ok.Load()
				fmt.Fprintf(logw, " node%d %5d/s", i+1, ok-prev[i])
				prev[i] = ok
			}
			fmt.Fprintln(logw)
		}
	}
	took := time.Since(start)
	var ok, failed, refused int64
	for i, n := range nodes {
		fmt.Printf("node%d %s: %d answered 200, %d failed, %d refused (moved to another node)\n",
			i+1, n.url, n.ok.Load(), n.failed.Load(), n.refused.Load())
		ok += n.ok.Load()
		failed += n.failed.Load()
		refused += n.refused.Load()
	}
	fmt.Printf("total: %d answered 200 in %s (%.0f/s), %d failed, %d refused and moved\n",
		ok, took.Round(time.Millisecond), float64(ok)/took.Seconds(), failed, refused)
	for _, f := range failures {
		fmt.Println("failed:", f)
	}
	fmt.Printf("views_sent %d\n", ok)
}

func minDown(nodes []*node) int64 {
	m := nodes[0].downUntil.Load()
	for _, n := range nodes[1:] {
		m = min(m, n.downUntil.Load())
	}
	return m
}
