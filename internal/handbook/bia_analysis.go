package handbook

import (
	"cmp"
	"slices"
	"strings"
)

// Link is one record on a chain of dependencies: a process, a service or
// a supplier, with its recovery time (a service's RTO, a supplier's
// restoration SLA; 0 for a process, or when none is agreed).
type Link struct {
	Entity Entity
	ID     string
	Name   string
	Time   Minutes
}

// Reach is a record a process depends on, directly or through others, and
// the shortest way there: Path runs from the process's own dependency to
// the record (the record itself last).
type Reach struct {
	Link
	Path []Link
}

// Via names the records between the process and this one, " → " apart;
// "" for a direct dependency.
func (r Reach) Via() string {
	if len(r.Path) < 2 {
		return ""
	}
	names := make([]string, len(r.Path)-1)
	for i, l := range r.Path[:len(r.Path)-1] {
		names[i] = l.Name
	}
	return strings.Join(names, " → ")
}

// ProcessView is a process with what the handbook says about it: its
// assessment, what it needs and what needs it.
type ProcessView struct {
	Process BusinessProcess
	Assessment
	// Reached lists the services and suppliers the process needs,
	// directly or through services and other processes, by name.
	Reached []Reach
	// Worst is the reached record with the longest recovery time (the
	// worst chain, see worse); its Time is the RTO the dependencies
	// achieve. Zero when nothing reached has a recovery time.
	Worst Reach
	// NoRTO lists the reached services without an agreed RTO.
	NoRTO []Reach
	// NeededBy lists the processes (IDs) that depend on this one directly.
	NeededBy []string
}

// Achieved is the recovery time the dependencies achieve (worst chain);
// 0 when unknown.
func (v ProcessView) Achieved() Minutes { return v.Worst.Time }

// Bridge is how long emergency operation must last: until recovery is
// due (the RTO) or, when the dependencies take longer, until they are back.
func (v ProcessView) Bridge() Minutes { return max(v.RTO, v.Achieved()) }

// Analysis is the business impact analysis of a handbook's live records.
type Analysis struct {
	Config BIAConfig
	// Processes are sorted by criticality (most critical first), then by
	// MTPD, then by name; processes not assessed come last.
	Processes []ProcessView

	hb         Handbook
	byID       map[string]int
	services   map[string]*Service
	suppliers  map[string]*Supplier
	processes  map[string]*BusinessProcess
	sites      map[string]*Site
	roles      map[string]*Role
	contacts   map[string]*Contact
	supplierOf map[string][]string // service ID → supplier IDs
}

// Analyse computes the business impact analysis of hb's live records.
func (hb Handbook) Analyse() *Analysis {
	live := hb.Live()
	a := &Analysis{Config: live.Settings.BIA(), hb: live, byID: map[string]int{},
		services: map[string]*Service{}, suppliers: map[string]*Supplier{}, processes: map[string]*BusinessProcess{},
		sites: map[string]*Site{}, roles: map[string]*Role{}, contacts: map[string]*Contact{}, supplierOf: map[string][]string{}}
	for i := range live.Services {
		a.services[live.Services[i].ID] = &live.Services[i]
	}
	for i := range live.Suppliers {
		s := &live.Suppliers[i]
		a.suppliers[s.ID] = s
		for _, id := range uniq(s.Services) {
			a.supplierOf[id] = append(a.supplierOf[id], s.ID)
		}
	}
	for i := range live.Processes {
		a.processes[live.Processes[i].ID] = &live.Processes[i]
	}
	for i := range live.Sites {
		a.sites[live.Sites[i].ID] = &live.Sites[i]
	}
	for i := range live.Roles {
		a.roles[live.Roles[i].ID] = &live.Roles[i]
	}
	for i := range live.Contacts {
		a.contacts[live.Contacts[i].ID] = &live.Contacts[i]
	}
	for _, p := range live.Processes {
		v := ProcessView{Process: p, Assessment: a.Config.Assess(p)}
		v.Reached = a.reach(p)
		for _, r := range v.Reached {
			if worse(r, v.Worst) {
				v.Worst = r
			}
			if r.Entity == EntityService && r.Time <= 0 {
				v.NoRTO = append(v.NoRTO, r)
			}
		}
		a.Processes = append(a.Processes, v)
	}
	for _, p := range live.Processes {
		for _, d := range uniq(p.DependsOn) {
			if dp, ok := a.processes[d]; ok && d != p.ID {
				i := slices.IndexFunc(a.Processes, func(v ProcessView) bool { return v.Process.ID == dp.ID })
				a.Processes[i].NeededBy = append(a.Processes[i].NeededBy, p.ID)
			}
		}
	}
	slices.SortFunc(a.Processes, compareViews)
	for i, v := range a.Processes {
		a.byID[v.Process.ID] = i
	}
	return a
}

// worse reports whether r is a weaker link than w: a longer recovery; of
// equal ones a service before a supplier (the service's RTO is what was
// agreed, the supplier's SLA goes into it), then the end of the longer
// chain, which holds the others up.
func worse(r, w Reach) bool {
	switch {
	case r.Time != w.Time:
		return r.Time > w.Time
	case r.Time <= 0:
		return false
	case r.Entity != w.Entity:
		return r.Entity == EntityService
	}
	return len(r.Path) > len(w.Path)
}

// compareViews orders processes by criticality, MTPD and name.
func compareViews(x, y ProcessView) int {
	mtpd := func(v ProcessView) Minutes {
		if v.MTPD == 0 {
			return Minutes(int(^uint(0) >> 1))
		}
		return v.MTPD
	}
	return cmp.Or(cmp.Compare(boolRank(!x.Assessed()), boolRank(!y.Assessed())),
		cmp.Compare(y.Criticality.Rank(), x.Criticality.Rank()), cmp.Compare(mtpd(x), mtpd(y)),
		strings.Compare(x.Process.Name, y.Process.Name), strings.Compare(x.Process.ID, y.Process.ID))
}

// View returns the process with that ID.
func (a *Analysis) View(id string) (ProcessView, bool) {
	i, ok := a.byID[id]
	if !ok {
		return ProcessView{}, false
	}
	return a.Processes[i], true
}

// reach walks what p needs, breadth first, so that each record is reached
// on a shortest path: services and their dependencies, the suppliers of
// those services, p's own suppliers, and everything the processes p
// depends on need. Records that do not exist are left to the reference
// check.
func (a *Analysis) reach(p BusinessProcess) []Reach {
	type node struct {
		e  Entity
		id string
	}
	seen := map[node]bool{{EntityProcess, p.ID}: true}
	var out []Reach
	var queue []Reach
	push := func(path []Link, e Entity, id string) {
		n := node{e, id}
		if seen[n] {
			return
		}
		var l Link
		switch e {
		case EntityService:
			s, ok := a.services[id]
			if !ok {
				return
			}
			l = Link{EntityService, id, s.Name, s.RTO}
		case EntitySupplier:
			s, ok := a.suppliers[id]
			if !ok {
				return
			}
			l = Link{EntitySupplier, id, s.Name, s.SLARestoration}
		case EntityProcess:
			q, ok := a.processes[id]
			if !ok {
				return
			}
			l = Link{EntityProcess, id, q.Name, 0}
		}
		seen[n] = true
		r := Reach{Link: l, Path: append(slices.Clip(path), l)}
		queue = append(queue, r)
		if e != EntityProcess {
			out = append(out, r)
		}
	}
	edges := func(path []Link, e Entity, id string) {
		switch e {
		case EntityProcess:
			q := a.processes[id]
			if id == p.ID {
				q = &p
			}
			for _, s := range q.Services {
				push(path, EntityService, s)
			}
			for _, s := range q.Suppliers {
				push(path, EntitySupplier, s)
			}
			for _, d := range q.DependsOn {
				push(path, EntityProcess, d)
			}
		case EntityService:
			for _, d := range a.services[id].DependsOn {
				push(path, EntityService, d)
			}
			for _, s := range a.supplierOf[id] {
				push(path, EntitySupplier, s)
			}
		}
	}
	edges(nil, EntityProcess, p.ID)
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		edges(r.Path, r.Entity, r.ID)
	}
	slices.SortFunc(out, func(x, y Reach) int {
		return cmp.Or(cmp.Compare(len(x.Path), len(y.Path)), strings.Compare(x.Name, y.Name), strings.Compare(x.ID, y.ID))
	})
	return out
}

// Need is, per service ID, the rank of the most critical assessed process
// that needs the service, directly or through other services and
// processes (Severity.Rank). Services no assessed process needs are not
// in it. The restore order brings services with a greater need back
// first, within the order their dependencies allow.
func (a *Analysis) Need() map[string]int {
	need := map[string]int{}
	for _, v := range a.Processes {
		rank := v.Criticality.Rank()
		if rank == 0 {
			continue
		}
		for _, r := range v.Reached {
			if r.Entity == EntityService && rank > need[r.ID] {
				need[r.ID] = rank
			}
		}
	}
	return need
}

// NeededByProcesses lists, per service ID, the live processes (IDs) that
// need it, directly or through others, most critical first.
func (a *Analysis) NeededByProcesses() map[string][]string {
	out := map[string][]string{}
	for _, v := range a.Processes {
		for _, r := range v.Reached {
			if r.Entity == EntityService {
				out[r.ID] = append(out[r.ID], v.Process.ID)
			}
		}
	}
	return out
}

// ProcessesAt lists, per site ID, the processes (IDs) that work there,
// most critical first.
func (a *Analysis) ProcessesAt() map[string][]string {
	out := map[string][]string{}
	for _, v := range a.Processes {
		for _, s := range uniq(v.Process.Sites) {
			out[s] = append(out[s], v.Process.ID)
		}
	}
	return out
}

// ProcessesOf lists, per supplier ID, the processes (IDs) that depend on
// it directly.
func (a *Analysis) ProcessesOf() map[string][]string {
	out := map[string][]string{}
	for _, v := range a.Processes {
		for _, s := range uniq(v.Process.Suppliers) {
			out[s] = append(out[s], v.Process.ID)
		}
	}
	return out
}

// RestoreOrder is the restore order of the live services, weighted by
// what the business needs (see RestoreOrderNeed).
func (hb Handbook) RestoreOrder() ([]Service, []Finding) {
	a := hb.Analyse()
	return RestoreOrderNeed(a.hb.Services, a.Need())
}
