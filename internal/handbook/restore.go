package handbook

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// RestoreOrderNeed returns the live services in the order to bring them
// back: every dependency before the services that depend on it and, among
// services whose dependencies are all restored, the one with the greater
// need first, then the shortest RTO (an RTO of 0 counts as not agreed and
// comes after the others), then by name. Services in a dependency cycle,
// and what depends on them, cannot be ordered; they follow the others,
// each cycle in name order.
//
// need gives, per service ID, how critical the most critical process is
// that needs the service (Severity.Rank, see Analysis.Need); a service no
// process needs (tools of the crisis team itself: the status page, the
// monitoring) counts with its own criticality. Dependencies still come
// first: a service that critical processes need pulls nothing ahead of
// what it depends on, but what it depends on is needed by the same
// processes. A nil need weighs nothing. Handbook.RestoreOrder gives the
// need of the handbook's own analysis.
//
// The findings name what makes the plan inconsistent or incomplete: cycles
// and unknown dependencies (errors), and services whose RTO is shorter than
// that of a dependency, without an owner, or critical without a manual
// fallback (warnings). A service listing itself is reported by Validate and
// ignored here.
func RestoreOrderNeed(services []Service, need map[string]int) ([]Service, []Finding) {
	live := keep(services)
	byID := make(map[string]*Service, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
	}

	var findings []Finding
	deps := map[string][]string{}       // service ID → known dependency IDs
	dependents := map[string][]string{} // dependency ID → service IDs
	for _, s := range live {
		findings = append(findings, serviceFindings(s)...)
		for _, d := range uniq(s.DependsOn) {
			dep, ok := byID[d]
			switch {
			case d == s.ID:
			case !ok:
				findings = append(findings, Finding{Level: LevelError, Code: CodeUnknownDependency,
					Entity: EntityService, ID: s.ID, Name: s.Name, Args: []string{s.Name, d},
					Message: fmt.Sprintf("service %q depends on a service that does not exist or was deleted (ID %s)", s.Name, d)})
			default:
				deps[s.ID] = append(deps[s.ID], d)
				dependents[d] = append(dependents[d], s.ID)
				if s.RTO > 0 && dep.RTO > 0 && s.RTO < dep.RTO {
					findings = append(findings, Finding{Level: LevelWarning, Code: CodeRTOShorterThanDependency,
						Entity: EntityService, ID: s.ID, Name: s.Name,
						Args:    []string{s.Name, s.RTO.String(), dep.Name, dep.RTO.String()},
						Message: fmt.Sprintf("service %q (RTO %s) depends on %q whose RTO is %s", s.Name, s.RTO, dep.Name, dep.RTO)})
				}
			}
		}
	}

	ids := make([]string, len(live))
	for i, s := range live {
		ids[i] = s.ID
	}
	cycles := cyclic(ids, deps)
	for _, c := range cycles {
		path := cyclePath(c, deps, func(id string) string { return byID[id].Name })
		names := make([]string, len(path))
		for i, id := range path {
			names[i] = byID[id].Name
		}
		first := byID[path[0]]
		findings = append(findings, Finding{Level: LevelError, Code: CodeCycle,
			Entity: EntityService, ID: first.ID, Name: first.Name, Args: names,
			Message: fmt.Sprintf("services depend on each other in a cycle, so none of them can be restored first: %s",
				strings.Join(names, " → "))})
	}

	var weight map[string]int
	if need != nil {
		weight = make(map[string]int, len(live))
		for _, s := range live {
			w, ok := need[s.ID]
			if !ok {
				w = s.Criticality.Rank()
			}
			weight[s.ID] = w
		}
	}
	order := kahn(live, byID, deps, dependents, cycles, weight)
	sortFindings(findings)
	return order, findings
}

// serviceFindings are the restore-plan gaps of a single service.
func serviceFindings(s Service) []Finding {
	var out []Finding
	if strings.TrimSpace(s.Owner) == "" {
		out = append(out, Finding{Level: LevelWarning, Code: CodeMissingOwner,
			Entity: EntityService, ID: s.ID, Name: s.Name, Args: []string{s.Name},
			Message: fmt.Sprintf("service %q has no owner", s.Name)})
	}
	if s.Criticality.Rank() >= SeverityHigh.Rank() && strings.TrimSpace(s.ManualFallback) == "" {
		out = append(out, Finding{Level: LevelWarning, Code: CodeMissingFallback,
			Entity: EntityService, ID: s.ID, Name: s.Name, Args: []string{s.Name, string(s.Criticality)},
			Message: fmt.Sprintf("service %q is %s but has no manual fallback", s.Name, s.Criticality)})
	}
	return out
}

// restoreFirst orders services that are ready at the same time: the
// greater business need first, then the shortest RTO, then by name.
func restoreFirst(need map[string]int) func(a, b *Service) int {
	rto := func(s *Service) Minutes {
		if s.RTO <= 0 {
			return Minutes(int(^uint(0) >> 1))
		}
		return s.RTO
	}
	return func(a, b *Service) int {
		return cmp.Or(cmp.Compare(need[b.ID], need[a.ID]), cmp.Compare(rto(a), rto(b)),
			strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	}
}

// kahn sorts topologically. When only cycles remain, the cycles whose
// outside dependencies are all restored are released in name order, and
// sorting continues with what depends on them.
func kahn(live []Service, byID map[string]*Service, deps, dependents map[string][]string, cycles [][]string, need map[string]int) []Service {
	first := restoreFirst(need)
	pending := make(map[string]int, len(live))
	for _, s := range live {
		pending[s.ID] = len(deps[s.ID])
	}
	var ready []*Service
	for i := range live {
		if pending[live[i].ID] == 0 {
			ready = append(ready, &live[i])
		}
	}
	done := make(map[string]bool, len(live))
	out := make([]Service, 0, len(live))
	release := func(s *Service) {
		done[s.ID] = true
		out = append(out, *s)
		for _, d := range dependents[s.ID] {
			if pending[d]--; pending[d] == 0 && !done[d] {
				ready = append(ready, byID[d])
			}
		}
	}
	for len(out) < len(live) {
		if len(ready) > 0 {
			slices.SortFunc(ready, first)
			next := ready[0]
			ready = ready[1:]
			release(next)
			continue
		}
		released := false
		for _, c := range cycles {
			if done[c[0]] || !cycleReady(c, deps, done) {
				continue
			}
			members := make([]*Service, len(c))
			for i, id := range c {
				members[i] = byID[id]
			}
			slices.SortFunc(members, func(a, b *Service) int {
				return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
			})
			for _, m := range members {
				release(m)
			}
			ready = slices.DeleteFunc(ready, func(s *Service) bool { return done[s.ID] })
			released = true
		}
		if !released {
			break
		}
	}
	return out
}

// cycleReady reports whether every dependency outside the cycle is restored.
func cycleReady(c []string, deps map[string][]string, done map[string]bool) bool {
	for _, id := range c {
		for _, d := range deps[id] {
			if !slices.Contains(c, d) && !done[d] {
				return false
			}
		}
	}
	return true
}

// cyclic returns the strongly connected components with more than one
// member (Tarjan) of the graph of ids and deps, each as IDs, in a stable
// order.
func cyclic(all []string, deps map[string][]string) [][]string {
	var (
		index   = map[string]int{}
		low     = map[string]int{}
		onStack = map[string]bool{}
		stack   []string
		next    int
		out     [][]string
	)
	var visit func(id string)
	visit = func(id string) {
		index[id], low[id] = next, next
		next++
		stack = append(stack, id)
		onStack[id] = true
		for _, d := range deps[id] {
			if _, seen := index[d]; !seen {
				visit(d)
				low[id] = min(low[id], low[d])
			} else if onStack[d] {
				low[id] = min(low[id], index[d])
			}
		}
		if low[id] != index[id] {
			return
		}
		var comp []string
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			comp = append(comp, top)
			if top == id {
				break
			}
		}
		if len(comp) > 1 {
			slices.Sort(comp)
			out = append(out, comp)
		}
	}
	ids := slices.Clone(all)
	slices.Sort(ids)
	for _, id := range ids {
		if _, seen := index[id]; !seen {
			visit(id)
		}
	}
	return out
}

// cyclePath returns a shortest cycle through the first member of component
// c by name, as IDs from that member back to itself, following dependencies.
func cyclePath(c []string, deps map[string][]string, name func(id string) string) []string {
	members := slices.Clone(c)
	slices.SortFunc(members, func(a, b string) int {
		return cmp.Or(strings.Compare(name(a), name(b)), strings.Compare(a, b))
	})
	start := members[0]
	prev := map[string]string{}
	queue := []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		next := slices.Clone(deps[id])
		slices.SortFunc(next, func(a, b string) int {
			return cmp.Or(strings.Compare(name(a), name(b)), strings.Compare(a, b))
		})
		for _, d := range next {
			if !slices.Contains(c, d) {
				continue
			}
			if d == start {
				path := []string{start}
				for at := id; at != start; at = prev[at] {
					path = append(path, at)
				}
				slices.Reverse(path[1:])
				return append(path, start)
			}
			if _, seen := prev[d]; !seen {
				prev[d] = id
				queue = append(queue, d)
			}
		}
	}
	return []string{start, start}
}

// uniq returns ids without repetitions, in their first order.
func uniq(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
