package ops

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func problemOn(t *testing.T, err error, field, text string) {
	t.Helper()
	var v handbook.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a validation problem on %s", err, field)
	}
	i := slices.IndexFunc(v, func(fe handbook.FieldError) bool { return fe.Field == field })
	if i < 0 || !strings.Contains(v[i].Message, text) {
		t.Fatalf("problems %v, want %s: …%s…", v, field, text)
	}
}

func TestSaveProcess(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	a := handbook.BusinessProcess{Name: "Auftrag", Impact: handbook.Impact{{Category: "financial", At: handbook.Day}: 4}}
	if err := o.SaveProcess(ctx, nil, &a); err != nil {
		t.Fatal(err)
	}
	b := handbook.BusinessProcess{Name: "Lieferung", DependsOn: []string{a.ID}}
	if err := o.SaveProcess(ctx, nil, &b); err != nil {
		t.Fatal(err)
	}
	n := count[handbook.BusinessProcess](t, o)

	t.Run("a dependency that closes a cycle is refused", func(t *testing.T) {
		before := a
		after := a
		after.DependsOn = []string{b.ID}
		err := o.SaveProcess(ctx, &before, &after)
		problemOn(t, err, "depends_on", "Auftrag → Lieferung → Auftrag")
		got, gerr := store.Get[handbook.BusinessProcess](ctx, o.st, a.ID)
		if gerr != nil || len(got.DependsOn) != 0 {
			t.Errorf("refused edit was written: %+v, %v", got.DependsOn, gerr)
		}
	})
	t.Run("an agreed RTO longer than the MTPD is refused", func(t *testing.T) {
		before := a
		after := a
		after.RTO = 2 * handbook.Day
		problemOn(t, o.SaveProcess(ctx, &before, &after), "rto_minutes", "the RTO of 2 d is longer than the MTPD of 1 d")
	})
	t.Run("the settings decide the MTPD", func(t *testing.T) {
		st, err := o.st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st.ImpactThreshold = 3
		if err := o.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
		before := a
		after := a
		after.Impact = handbook.Impact{{Category: "financial", At: 4 * handbook.Hour}: 3, {Category: "financial", At: handbook.Day}: 4}
		after.RTO = 8 * handbook.Hour
		problemOn(t, o.SaveProcess(ctx, &before, &after), "rto_minutes", "the RTO of 8 h is longer than the MTPD of 4 h")
		st.ImpactThreshold = 0
		if err := o.SaveSettings(ctx, st); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("impossible values are refused by the record's own check", func(t *testing.T) {
		before := b
		after := b
		after.PlanDuration = -60
		problemOn(t, o.SaveProcess(ctx, &before, &after), "plan_duration_minutes", "cannot be negative (is -1 h)")
	})
	t.Run("an edit that leaves the dependencies alone passes a cycle another laptop made", func(t *testing.T) {
		cyc := a
		cyc.DependsOn = []string{b.ID}
		if err := store.Put(ctx, o.st, &cyc); err != nil { // as if merged from another laptop
			t.Fatal(err)
		}
		before := b
		after := b
		after.Description = "Pakete packen"
		if err := o.SaveProcess(ctx, &before, &after); err != nil {
			t.Errorf("edit of another field refused: %v", err)
		}
	})
	if got := count[handbook.BusinessProcess](t, o); got != n {
		t.Errorf("%d processes, want %d", got, n)
	}
}

func TestSaveSettingsChecksBIA(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	st, err := o.st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := st
	bad.RTOFactor = 1.5
	problemOn(t, o.SaveSettings(ctx, bad), "rto_factor", "must lie above 0 and at most 1 (is 1.5)")
	bad = st
	bad.TimePoints = []handbook.Minutes{240, -60}
	problemOn(t, o.SaveSettings(ctx, bad), "time_points", "a time point must lie after the disruption (is -1 h)")
	got, err := o.st.Settings(ctx)
	if err != nil || got.RTOFactor != 0 || len(got.TimePoints) != 0 {
		t.Errorf("refused settings were written: %+v, %v", got, err)
	}
}

func TestMarkKitCheckedAndAssessed(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	sites, err := store.List[handbook.Site](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(sites, func(s handbook.Site) bool { return s.Kit != "" })
	if err := o.MarkKitChecked(ctx, sites[i].ID); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get[handbook.Site](ctx, o.st, sites[i].ID)
	if err != nil || !got.KitCheckedAt.Equal(t0) || got.Kit != sites[i].Kit {
		t.Errorf("kit checked at %v (err %v), want %v", got.KitCheckedAt, err, t0)
	}
	procs, err := store.List[handbook.BusinessProcess](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	p := procs[0]
	if err := o.MarkAssessed(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	gp, err := store.Get[handbook.BusinessProcess](ctx, o.st, p.ID)
	if err != nil || !gp.AssessedAt.Equal(t0) || gp.AssessedBy != p.AssessedBy || len(gp.Impact) != len(p.Impact) {
		t.Errorf("assessed %v by %q, %d cells (err %v)", gp.AssessedAt, gp.AssessedBy, len(gp.Impact), err)
	}
	if err := o.MarkReviewed(ctx, handbook.EntitySupplier, "01a22bf4-0000-7000-8000-000000000000"); err == nil {
		t.Error("reviewing a supplier that does not exist succeeded")
	}
	if err := o.MarkKitChecked(ctx, "nope"); err == nil {
		t.Error("checking the kit of a site that does not exist succeeded")
	}
}
