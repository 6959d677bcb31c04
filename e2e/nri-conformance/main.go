// SPDX-License-Identifier: Apache-2.0

// nri-conformance is a fake container runtime built on NRI's own Go library (pkg/adaptation):
// it listens on an NRI socket, lets the cainjekt plugin (a separate process) connect, drives it
// through synchronize, CreateContainer, StartContainer (as StateChange, like NRI <= 0.11) and
// RemoveContainer with messages larger than 8 KiB, then restarts itself and checks that the
// plugin reconnects and synchronizes again. It reads the plugin's log to know when it is ready.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/containerd/nri/pkg/adaptation"
	"github.com/containerd/nri/pkg/api"
)

var (
	socket  = flag.String("socket", "", "NRI socket to listen on")
	pluginLog = flag.String("plugin-log", "", "log file of the plugin under test")
	timeout = flag.Duration("timeout", 30*time.Second, "how long to wait for each step")
	phase   = flag.String("phase", "events", "events: first start, drive events, exit; resync: restarted runtime")
)

func pod() *api.PodSandbox {
	return &api.PodSandbox{
		Id: "pod-0123456789abcdef", Name: "conformance", Uid: "uid-1", Namespace: "default",
		Labels: map[string]string{"app": "conformance"},
		Annotations: map[string]string{
			"cainjekt.io/enabled": "true",
			// pushes every container message past 8 KiB: several mux frames in Go
			"kubectl.kubernetes.io/last-applied-configuration": strings.Repeat("x", 9000),
		},
	}
}

func container(pid uint32, state api.ContainerState) *api.Container {
	return &api.Container{
		Id: "ctr-0123456789abcdef", PodSandboxId: "pod-0123456789abcdef", Name: "app",
		State: state, Pid: pid, Env: []string{"FOO=bar"}, Args: []string{"sleep", "3600"},
	}
}

func waitForLog(needle string, count int) error {
	deadline := time.Now().Add(*timeout)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(*pluginLog)
		if strings.Count(string(data), needle) >= count {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("plugin log never had %d x %q", count, needle)
}

func start(withPod bool) (*adaptation.Adaptation, error) {
	syncFn := func(ctx context.Context, cb adaptation.SyncCB) error {
		var pods []*api.PodSandbox
		var ctrs []*api.Container
		if withPod {
			pods = []*api.PodSandbox{pod()}
			ctrs = []*api.Container{container(4242, api.ContainerState_CONTAINER_RUNNING)}
		}
		_, err := cb(ctx, pods, ctrs)
		return err
	}
	updateFn := func(ctx context.Context, u []*api.ContainerUpdate) ([]*api.ContainerUpdate, error) {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "nri-conformance-plugins")
	if err != nil {
		return nil, err
	}
	r, err := adaptation.New("conformance", "0.1", syncFn, updateFn,
		adaptation.WithSocketPath(*socket), adaptation.WithPluginPath(dir),
		adaptation.WithPluginConfigPath(dir))
	if err != nil {
		return nil, err
	}
	return r, r.Start()
}

func step(name string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Printf("PASS %s\n", name)
}

func main() {
	flag.Parse()
	if *phase == "resync" {
		resync()
	} else {
		events()
	}
}

// events: the plugin connects to a fresh runtime and handles container events. The process then
// exits without any goodbye, like containerd on SIGTERM (NRI 0.6.1's Stop keeps external plugin
// connections open, so exiting is what closes them).
func events() {
	ctx := context.Background()
	r, err := start(false)
	step("runtime listening", err)
	step("plugin registered", waitForLog("nri: registered", 1))
	step("plugin configured with mask 1064", waitForLog(`nri: configured mask="1064"`, 1))
	step("plugin synchronized", waitForLog("nri: synchronized", 1))

	_, err = r.CreateContainer(ctx, &api.CreateContainerRequest{Pod: pod(), Container: container(0, api.ContainerState_CONTAINER_UNKNOWN)})
	step("CreateContainer answered", err)
	step("CreateContainer reached the handler", waitForLog("daemon: container created", 1))
	err = r.StartContainer(ctx, &api.StateChangeEvent{Event: api.Event_START_CONTAINER, Pod: pod(), Container: container(4242, api.ContainerState_CONTAINER_CREATED)})
	step("StartContainer (StateChange) answered", err)
	step("StartContainer reached the handler with the pid", waitForLog(`daemon: container starting namespace="default" pod="conformance" container="app" container_id="ctr-01234567" pid="4242"`, 1))
	err = r.RemoveContainer(ctx, &api.StateChangeEvent{Event: api.Event_REMOVE_CONTAINER, Pod: pod(), Container: container(0, api.ContainerState_CONTAINER_STOPPED)})
	step("RemoveContainer (StateChange) answered", err)
	step("RemoveContainer reached the handler", waitForLog("daemon: container removed", 1))
}

// resync: a restarted runtime; the plugin must notice the loss, reconnect and synchronize again.
func resync() {
	step("plugin noticed the runtime went away", waitForLog("nri: connection lost", 1))
	step("plugin is reconnecting", waitForLog("nri: reconnecting", 1))
	_, err := start(true)
	step("runtime restarted", err)
	step("plugin registered again", waitForLog("nri: registered", 2))
	step("plugin synchronized again with 1 pod and 1 container", waitForLog(`nri: synchronized pods="1" containers="1"`, 1))
	fmt.Println("ALL PASS")
}
