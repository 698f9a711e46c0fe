package binder

import (
	"sync"
	"time"

	"ernstfall/assets"
	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// texts are the fixed words the binder prints in one language.
type texts struct {
	handbook, version, printedShort, pageOf  string
	dateFormat, dateTimeFormat               string
	printedAt, printedBy, replaces           string
	classification, location, teamOnly       string
	toc, alarm, escalation, contacts         string
	onCallSee, onCallRoster, onCallFrom      string
	onCallWho, swapFor, awayFor              string
	deletedStandsIn, deletedNobody           string
	weekdays                                 [7]string
	shiftFormat                              string
	callTree, callTreeIntro, caller, calls   string
	playbooks, recovery, templates           string
	reporting, forms                         string
	emergency, emergencyNumbers, callFirst   string
	levelsBrief, externals, where, notSet    string
	thisCopy                                 string
	level, name, trigger, decides, notifies  string
	within, roles, role, primary, deputies   string
	deputy                                   string
	internalGroup, externalGroup             string
	noTeam, noKind                           string
	phone, channels, verified, stale, never  string
	staleNote, mobile, office, private       string
	incidentType, severity, owner, reviewed  string
	overdue, initials, clock, summary        string
	restoreOrder, service, criticality       string
	rto, rpo, mtd, dependsOn, findings, none string
	steps, fallback, resources               string
	audience, channel, subject               string
	image, to, warning, error, page          string
	reportWhere, reportNoAuthority           string
	incidentLog, callLog, lessons            string
	incident, dateField, sheet               string
	logCols, callCols, actionCols            [4]string
	callCol5                                 string
	lessonQuestions                          []string
	actionsTitle                             string
	severities                               map[handbook.Severity]string
	types                                    map[handbook.IncidentType]string
	audiences                                map[handbook.Audience]string
	kinds                                    map[string]string
	obligations                              []obligation
	finding                                  func(handbook.Finding) string
	report                                   reportTexts
	exercise                                 exerciseTexts
}

// obligation is one reporting duty and what its report must contain.
type obligation struct {
	title, deadline, to string
	contents            []string
}

func (t texts) date(tm time.Time) string     { return tm.Format(t.dateFormat) }
func (t texts) dateTime(tm time.Time) string { return tm.Format(t.dateTimeFormat) }

// shiftTime is the start or end of an on-call shift, in the zone of its
// roster: weekday, day and hand-over time ("Mo 30.11. 09:00"); the
// roster's heading names the year.
func (t texts) shiftTime(tm time.Time) string {
	return t.weekdays[tm.Weekday()] + " " + tm.Format(t.shiftFormat)
}

var severitiesDE = map[handbook.Severity]string{handbook.SeverityLow: "niedrig", handbook.SeverityMedium: "mittel",
	handbook.SeverityHigh: "hoch", handbook.SeverityCritical: "kritisch"}

var textsDE = texts{
	handbook: "Notfallhandbuch", version: "Version", printedShort: "gedruckt", pageOf: "Seite %d von %d",
	dateFormat: "02.01.2006", dateTimeFormat: "02.01.2006 15:04",
	printedAt: "Gedruckt am %s", printedBy: "von %s",
	replaces:       "Ersetzt jedes vor dem %s gedruckte Exemplar. Ältere Ausdrucke vernichten.",
	classification: "VERTRAULICH – nur für den Krisenstab", location: "Ablageort des Handbuchs",
	teamOnly: "Kontaktliste: nur Team %s und externe Kontakte",
	callTree: "Telefonkette", caller: "Ruft an", calls: "Wen (der Reihe nach, bis jemand erreicht ist)",
	callTreeIntro: "Wer ruft wen an: Ist die erste Person nicht erreichbar, die nächste Stellvertretung anrufen. Erreichte Personen abhaken.",
	toc:           "Inhalt", alarm: "Alarmkarte", escalation: "Eskalationsmatrix", contacts: "Kontakte",
	onCallSee: "Bereitschaft laut Plan unten", onCallRoster: "Bereitschaftsplan %s (nächste %d Wochen ab %s)",
	onCallFrom: "Ab", onCallWho: "Im Dienst",
	swapFor: "Tausch (statt %s)", awayFor: "%s abwesend",
	weekdays: [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"}, shiftFormat: "02.01. 15:04",
	deletedStandsIn: "Rolleninhaber vertritt: der Plan nennt einen gelöschten Kontakt",
	deletedNobody:   "niemand: der Plan nennt einen gelöschten Kontakt, die Rolle hat keinen Inhaber",
	playbooks:       "Playbooks", recovery: "Wiederanlaufpläne", templates: "Kommunikationsvorlagen",
	reporting: "Meldepflichten", forms: "Formulare",
	emergency: "Notruf", emergencyNumbers: "112 Feuerwehr und Rettungsdienst · 110 Polizei",
	callFirst: "Zuerst anrufen (in dieser Reihenfolge, bis jemand erreicht ist)", levelsBrief: "Eskalationsstufen",
	externals: "Externe Notfallkontakte", where: "Wo das Handbuch liegt", notSet: "nicht festgelegt",
	thisCopy: "Dieses Exemplar: Version %s, gedruckt am %s.",
	level:    "Stufe", name: "Name", trigger: "Auslöser", decides: "Entscheidet", notifies: "Informiert",
	within: "Frist", roles: "Rollen und Stellvertretungen", role: "Rolle", primary: "Primär",
	deputies: "Stellvertretungen (in Reihenfolge)", deputy: "Stellvertretung",
	internalGroup: "Intern – %s", externalGroup: "Extern – %s", noTeam: "ohne Team", noKind: "Sonstige",
	phone: "Telefon", channels: "E-Mail, Kanäle, Ort", verified: "Geprüft", stale: "VERALTET", never: "nie",
	staleNote: "VERALTET: seit mehr als %d Tagen nicht bestätigt – Nummer vor Gebrauch prüfen.",
	mobile:    "mobil", office: "Büro", private: "privat",
	incidentType: "Vorfallart", severity: "Schweregrad", owner: "Verantwortlich", reviewed: "Zuletzt geprüft",
	overdue: "Prüfung überfällig", initials: "Kürzel", clock: "Uhrzeit", summary: "Zusammenfassung",
	restoreOrder: "Reihenfolge des Wiederanlaufs", service: "Dienst", criticality: "Kritikalität",
	rto: "RTO", rpo: "RPO", mtd: "max. Ausfall", dependsOn: "Abhängig von",
	findings: "Hinweise zum Wiederanlaufplan", none: "keine",
	steps: "Wiederanlaufschritte", fallback: "Manuelles Ersatzverfahren", resources: "Ressourcen",
	audience: "Zielgruppe", channel: "Kanal", subject: "Betreff", image: "Bild",
	to: "An", warning: "Warnung", error: "Fehler", page: "Seite",
	reportWhere:       "Wo melden (aus den Kontakten des Handbuchs)",
	reportNoAuthority: "Im Handbuch ist keine Behörde als externer Kontakt hinterlegt – hier eintragen:",
	incidentLog:       "Einsatzprotokoll", callLog: "Anrufprotokoll", lessons: "Lessons Learned",
	incident: "Vorfall", dateField: "Datum", sheet: "Blatt ____ von ____",
	logCols:    [4]string{"Uhrzeit", "Was (Ereignis, Maßnahme)", "Wer", "Entscheidung / Kürzel"},
	callCols:   [4]string{"Uhrzeit", "Von / an", "Nummer", "Inhalt"},
	callCol5:   "Rückruf bis",
	actionCols: [4]string{"Maßnahme", "Verantwortlich", "Fällig", "Erledigt"},
	lessonQuestions: []string{
		"Was ist passiert (Zeitleiste in Stichworten)?",
		"Was hat gut funktioniert?",
		"Was hat nicht funktioniert oder gefehlt?",
		"Was ändern wir am Handbuch (Playbooks, Kontakte, Eskalation)?",
	},
	actionsTitle: "Maßnahmen",
	severities:   severitiesDE,
	types: map[handbook.IncidentType]string{handbook.TypeRansomware: "Ransomware", handbook.TypeDDoS: "DDoS",
		handbook.TypeDataLoss: "Datenverlust", handbook.TypeSaaSOutage: "SaaS-Ausfall",
		handbook.TypeThirdPartyOutage: "Ausfall eines Dienstleisters", handbook.TypeCloudMisconfig: "Cloud-Fehlkonfiguration",
		handbook.TypeHumanError: "Menschlicher Fehler", handbook.TypeDataBreach: "Datenschutzverletzung",
		handbook.TypeOther: "Sonstiges"},
	audiences: map[handbook.Audience]string{handbook.AudienceInternal: "intern", handbook.AudienceManagement: "Geschäftsleitung",
		handbook.AudienceCustomers: "Kunden", handbook.AudienceAuthority: "Behörde", handbook.AudiencePress: "Presse"},
	kinds: map[string]string{"agency": "Agenturen", "authority": "Behörden", "forensics": "Forensik",
		"hoster": "Hosting", "insurer": "Versicherungen", "law_firm": "Kanzleien", "organisation": "Organisationen",
		"police": "Polizei", "provider": "Dienstleister"},
	obligations: []obligation{
		{title: "DSGVO Art. 33 – Meldung an die Datenschutzaufsicht",
			deadline: "unverzüglich, möglichst binnen 72 Stunden ab Kenntnis der Verletzung; bei späterer Meldung die Verzögerung begründen",
			to:       "zuständige Landesdatenschutzbehörde (Aufsichtsbehörde)",
			contents: []string{
				"Art der Verletzung, soweit möglich mit Kategorien und ungefährer Zahl der betroffenen Personen und Datensätze",
				"Name und Kontaktdaten der/des Datenschutzbeauftragten oder einer anderen Anlaufstelle",
				"wahrscheinliche Folgen der Verletzung",
				"ergriffene oder vorgeschlagene Maßnahmen zur Behebung und Abmilderung",
				"was noch nicht feststeht, darf schrittweise nachgereicht werden",
			}},
		{title: "DSGVO Art. 34 – Benachrichtigung der betroffenen Personen",
			deadline: "unverzüglich, wenn die Verletzung voraussichtlich ein hohes Risiko für ihre Rechte und Freiheiten hat",
			to:       "die betroffenen Personen selbst (direkt; öffentliche Bekanntmachung nur bei unverhältnismäßigem Aufwand)",
			contents: []string{
				"in klarer und einfacher Sprache: Art der Verletzung",
				"Name und Kontaktdaten der/des Datenschutzbeauftragten oder einer anderen Anlaufstelle",
				"wahrscheinliche Folgen und ergriffene Maßnahmen",
				"was die Betroffenen selbst tun sollten (z. B. Passwörter ändern)",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – Frühe Erstmeldung",
			deadline: "unverzüglich, spätestens 24 Stunden nach Kenntnis eines erheblichen Sicherheitsvorfalls",
			to:       "BSI-Meldestelle (gemeinsame Meldestelle von BSI und BBK)",
			contents: []string{
				"ob der Verdacht besteht, dass der Vorfall auf rechtswidrige oder böswillige Handlungen zurückgeht",
				"ob er grenzüberschreitende Auswirkungen haben könnte",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – Meldung",
			deadline: "unverzüglich, spätestens 72 Stunden nach Kenntnis",
			to:       "BSI-Meldestelle",
			contents: []string{
				"Aktualisierung der Erstmeldung",
				"erste Bewertung: Schweregrad und Auswirkungen",
				"Kompromittierungsindikatoren (IOC), soweit vorhanden",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – Zwischen- und Abschlussbericht",
			deadline: "Zwischenbericht auf Ersuchen des BSI; Abschlussbericht spätestens einen Monat nach der Meldung (Fortschrittsbericht, solange der Vorfall andauert)",
			to:       "BSI-Meldestelle",
			contents: []string{
				"ausführliche Beschreibung des Vorfalls, Schweregrad und Auswirkungen",
				"Art der Bedrohung bzw. zugrunde liegende Ursache",
				"getroffene und laufende Abhilfemaßnahmen",
				"gegebenenfalls grenzüberschreitende Auswirkungen",
			}},
		{title: "DORA Art. 19 – Erstmeldung eines schwerwiegenden IKT-bezogenen Vorfalls",
			deadline: "so früh wie möglich, binnen 4 Stunden nach der Einstufung als schwerwiegend, spätestens 24 Stunden nach Kenntnis; wird der Vorfall erst später eingestuft, binnen 4 Stunden danach (Art. 5 Delegierte VO (EU) 2025/301). Wochenend- und Feiertagserleichterungen einzelner Finanzunternehmen rechnet Ernstfall nicht ein.",
			to:       "zuständige Finanzaufsicht (z. B. BaFin) über deren Meldeweg und -vorlage",
			contents: []string{
				"Art des Vorfalls, betroffene Dienste, erste Einschätzung der Auswirkungen",
				"Einstufung nach den Kriterien der Delegierten VO (EU) 2024/1772",
				"Kontaktstelle für Rückfragen",
			}},
		{title: "DORA Art. 19 – Zwischenmeldung",
			deadline: "spätestens 72 Stunden nach Übermittlung der Erstmeldung, auch wenn sich nichts geändert hat; aktualisiert, sobald sich der Stand wesentlich ändert",
			to:       "zuständige Finanzaufsicht",
			contents: []string{
				"aktualisierte Auswirkungen (Kunden, Transaktionen, Dauer)",
				"bekannte Ursachen, ergriffene und geplante Maßnahmen",
			}},
		{title: "DORA Art. 19 – Abschlussmeldung",
			deadline: "spätestens einen Monat nach der letzten aktualisierten Zwischenmeldung",
			to:       "zuständige Finanzaufsicht",
			contents: []string{
				"abgeschlossene Ursachenanalyse",
				"tatsächliche Auswirkungen und Kosten",
				"umgesetzte und geplante Abhilfemaßnahmen",
			}},
	},
	finding:  catalogFinding("de"),
	report:   reportDE,
	exercise: exerciseDE,
}

var textsEN = texts{
	handbook: "Emergency handbook", version: "Version", printedShort: "printed", pageOf: "Page %d of %d",
	dateFormat: "2006-01-02", dateTimeFormat: "2006-01-02 15:04",
	printedAt: "Printed on %s", printedBy: "by %s",
	replaces:       "Replaces every copy printed before %s. Destroy older printouts.",
	classification: "CONFIDENTIAL – crisis team only", location: "Where the handbook lives",
	teamOnly: "Contact list: team %s and external contacts only",
	callTree: "Call tree", caller: "Calls", calls: "Whom (in order, until someone answers)",
	callTreeIntro: "Who calls whom: if the first person cannot be reached, call the next deputy. Tick whoever was reached.",
	toc:           "Contents", alarm: "Alarm card", escalation: "Escalation matrix", contacts: "Contacts",
	onCallSee: "On call: see the roster below", onCallRoster: "On-call roster %s (next %d weeks from %s)",
	onCallFrom: "From", onCallWho: "On duty",
	swapFor: "swap (instead of %s)", awayFor: "%s away",
	weekdays: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}, shiftFormat: "01-02 15:04",
	deletedStandsIn: "a role holder stands in: the roster names a deleted contact",
	deletedNobody:   "nobody: the roster names a deleted contact, and the role has no holder",
	playbooks:       "Playbooks", recovery: "Recovery plans", templates: "Communication templates",
	reporting: "Reporting obligations", forms: "Forms",
	emergency: "Emergency", emergencyNumbers: "112 fire and ambulance · 110 police",
	callFirst: "Call first (in this order, until someone answers)", levelsBrief: "Escalation levels",
	externals: "External emergency contacts", where: "Where the handbook lives", notSet: "not set",
	thisCopy: "This copy: version %s, printed on %s.",
	level:    "Level", name: "Name", trigger: "Trigger", decides: "Decides", notifies: "Notified",
	within: "Within", roles: "Roles and deputies", role: "Role", primary: "Primary",
	deputies: "Deputies (in order)", deputy: "Deputy",
	internalGroup: "Internal – %s", externalGroup: "External – %s", noTeam: "no team", noKind: "other",
	phone: "Phone", channels: "Email, channels, location", verified: "Verified", stale: "STALE", never: "never",
	staleNote: "STALE: not confirmed for more than %d days – check the number before relying on it.",
	mobile:    "mobile", office: "office", private: "private",
	incidentType: "Incident type", severity: "Severity", owner: "Owner", reviewed: "Last reviewed",
	overdue: "review overdue", initials: "Initials", clock: "Time", summary: "Summary",
	restoreOrder: "Restore order", service: "Service", criticality: "Criticality",
	rto: "RTO", rpo: "RPO", mtd: "Max. downtime", dependsOn: "Depends on",
	findings: "Notes on the recovery plan", none: "none",
	steps: "Recovery steps", fallback: "Manual fallback", resources: "Resources",
	audience: "Audience", channel: "Channel", subject: "Subject", image: "Image",
	to: "To", warning: "Warning", error: "Error", page: "page",
	reportWhere:       "Where to file (from the handbook's contacts)",
	reportNoAuthority: "The handbook has no authority among its external contacts – write it here:",
	incidentLog:       "Incident log", callLog: "Call log", lessons: "Lessons learned",
	incident: "Incident", dateField: "Date", sheet: "Sheet ____ of ____",
	logCols:    [4]string{"Time", "What (event, action)", "Who", "Decision / initials"},
	callCols:   [4]string{"Time", "From / to", "Number", "Content"},
	callCol5:   "Call back by",
	actionCols: [4]string{"Action", "Owner", "Due", "Done"},
	lessonQuestions: []string{
		"What happened (timeline in key words)?",
		"What worked well?",
		"What did not work or was missing?",
		"What do we change in the handbook (playbooks, contacts, escalation)?",
	},
	actionsTitle: "Actions",
	severities: map[handbook.Severity]string{handbook.SeverityLow: "low", handbook.SeverityMedium: "medium",
		handbook.SeverityHigh: "high", handbook.SeverityCritical: "critical"},
	types: map[handbook.IncidentType]string{handbook.TypeRansomware: "Ransomware", handbook.TypeDDoS: "DDoS",
		handbook.TypeDataLoss: "Data loss", handbook.TypeSaaSOutage: "SaaS outage",
		handbook.TypeThirdPartyOutage: "Third-party outage", handbook.TypeCloudMisconfig: "Cloud misconfiguration",
		handbook.TypeHumanError: "Human error", handbook.TypeDataBreach: "Data breach", handbook.TypeOther: "Other"},
	audiences: map[handbook.Audience]string{handbook.AudienceInternal: "internal", handbook.AudienceManagement: "management",
		handbook.AudienceCustomers: "customers", handbook.AudienceAuthority: "authority", handbook.AudiencePress: "press"},
	kinds: map[string]string{"agency": "agencies", "authority": "authorities", "forensics": "forensics",
		"hoster": "hosting", "insurer": "insurers", "law_firm": "law firms", "organisation": "organisations",
		"police": "police", "provider": "providers"},
	obligations: []obligation{
		{title: "GDPR Art. 33 – notifying the supervisory authority",
			deadline: "without undue delay and, where feasible, within 72 hours of becoming aware of the breach; a later notification must give the reasons for the delay",
			to:       "the competent data protection supervisory authority",
			contents: []string{
				"the nature of the breach, where possible with the categories and approximate number of data subjects and records concerned",
				"name and contact details of the data protection officer or another contact point",
				"the likely consequences of the breach",
				"the measures taken or proposed to address it and mitigate its effects",
				"what is not known yet may be provided in phases",
			}},
		{title: "GDPR Art. 34 – informing the data subjects",
			deadline: "without undue delay when the breach is likely to result in a high risk to their rights and freedoms",
			to:       "the data subjects themselves (directly; a public communication only where that would involve disproportionate effort)",
			contents: []string{
				"in clear and plain language: the nature of the breach",
				"name and contact details of the data protection officer or another contact point",
				"the likely consequences and the measures taken",
				"what the data subjects should do themselves (for example change passwords)",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – early warning",
			deadline: "without undue delay, at the latest 24 hours after becoming aware of a significant incident",
			to:       "the BSI reporting office (joint office of BSI and BBK)",
			contents: []string{
				"whether the incident is suspected of being caused by unlawful or malicious acts",
				"whether it could have a cross-border impact",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – incident notification",
			deadline: "without undue delay, at the latest 72 hours after becoming aware",
			to:       "the BSI reporting office",
			contents: []string{
				"an update of the early warning",
				"an initial assessment: severity and impact",
				"indicators of compromise, where available",
			}},
		{title: "NIS2 Art. 23 / § 32 BSIG – intermediate and final report",
			deadline: "an intermediate report on request of the BSI; the final report at the latest one month after the notification (a progress report while the incident is ongoing)",
			to:       "the BSI reporting office",
			contents: []string{
				"a detailed description of the incident, its severity and impact",
				"the type of threat or root cause",
				"the mitigation measures applied and ongoing",
				"any cross-border impact",
			}},
		{title: "DORA Art. 19 – initial notification of a major ICT-related incident",
			deadline: "as early as possible, within 4 hours of the classification as major and no later than 24 hours after becoming aware; an incident classified later: within 4 hours of the classification (Art. 5 of Delegated Regulation (EU) 2025/301). Ernstfall does not count the weekend and holiday relief some financial entities have.",
			to:       "the competent financial supervisor (e.g. BaFin), through its reporting channel and template",
			contents: []string{
				"the nature of the incident, the services affected, a first assessment of the impact",
				"the classification under the criteria of Delegated Regulation (EU) 2024/1772",
				"a contact point for questions",
			}},
		{title: "DORA Art. 19 – intermediate report",
			deadline: "at the latest 72 hours after the initial notification was submitted, even if nothing changed; updated whenever the status changes significantly",
			to:       "the competent financial supervisor",
			contents: []string{
				"the updated impact (clients, transactions, duration)",
				"known causes, measures taken and planned",
			}},
		{title: "DORA Art. 19 – final report",
			deadline: "at the latest one month after the latest updated intermediate report",
			to:       "the competent financial supervisor",
			contents: []string{
				"the completed root cause analysis",
				"the actual impact and costs",
				"the remediation measures taken and planned",
			}},
	},
	finding:  catalogFinding("en"),
	report:   reportEN,
	exercise: exerciseEN,
}

// catalogFinding words findings in lang as the window and the command line
// do: from the translation catalogs (i18n.FindingText), loaded once.
func catalogFinding(lang string) func(handbook.Finding) string {
	catalog := sync.OnceValue(func() *i18n.Catalog {
		c, err := i18n.Load(assets.Translations, lang)
		if err != nil {
			return nil // the English texts of the keys
		}
		return c
	})
	return func(f handbook.Finding) string { return catalog().Finding(f) }
}

// reportTexts are the fixed words of the incident report.
type reportTexts struct {
	title, status, open, closed, level, ownerRole   string
	onDuty, notified, awareAt, started, closedAt    string
	duration, running, playbook, noPlaybook         string
	participants, printed, timeFormat, stampFormat  string
	clocks, noClocks, onTime, late, clockOpen, left string
	overdueBy, waived, awareSince, classifiedAt     string
	clockCols                                       [5]string
	clockNames, regimes                             map[string]string
	timeline, corrects, correctedAt, unknownEntry   string
	unknownStep                                     string
	timelineCols                                    [4]string
	kinds                                           map[string]string
	checklist, done, stepOpen, undone, stepOverdue  string
	due, afterTarget, noPhase                       string
	checklistCols                                   [5]string
	messages                                        string
	messageCols                                     [3]string
}

var reportDE = reportTexts{
	title: "Vorfallbericht", status: "Status", open: "offen", closed: "abgeschlossen",
	level: "Eskalationsstufe", ownerRole: "Verantwortliche Rolle", onDuty: "im Dienst: %s",
	notified: "Informiert auf Stufe %d", awareAt: "Kenntnis seit", started: "Begonnen", closedAt: "Abgeschlossen",
	duration: "Dauer", running: "läuft noch", playbook: "Playbook", noPlaybook: "ohne Playbook",
	participants: "Beteiligte", printed: "Gedruckt",
	timeFormat: "15:04:05", stampFormat: "02.01.2006 15:04:05",
	clocks: "Meldefristen", noClocks: "Für diesen Vorfall läuft keine Meldefrist.",
	onTime: "rechtzeitig", late: "verspätet um %s", clockOpen: "offen", left: "noch %s",
	overdueBy: "überfällig seit %s", waived: "nicht erforderlich: %s",
	awareSince: "Kenntnis seit %s", classifiedAt: "als schwerwiegend eingestuft %s",
	regimes:   map[string]string{handbook.RegimeGDPR: "DSGVO", handbook.RegimeNIS2: "NIS2 / § 32 BSIG", handbook.RegimeDORA: "DORA"},
	clockCols: [5]string{"Meldung", "Fällig", "Versandt", "Von", "Stand"},
	clockNames: map[string]string{
		handbook.ClockGDPR33:           "DSGVO Art. 33 – Meldung an die Aufsichtsbehörde (72 h)",
		handbook.ClockNIS2Early:        "NIS2 / § 32 BSIG – Frühwarnung (24 h)",
		handbook.ClockNIS2Notify:       "NIS2 / § 32 BSIG – Meldung (72 h)",
		handbook.ClockNIS2Final:        "NIS2 / § 32 BSIG – Abschlussmeldung (1 Monat)",
		handbook.ClockGDPR34:           "DSGVO Art. 34 – Benachrichtigung der Betroffenen (Erinnerung)",
		handbook.ClockDORAInitial:      "DORA – Erstmeldung (4 h nach Einstufung, spätestens 24 h)",
		handbook.ClockDORAIntermediate: "DORA – Zwischenmeldung (72 h)",
		handbook.ClockDORAFinal:        "DORA – Abschlussmeldung (1 Monat)",
	},
	timeline: "Zeitleiste", corrects: "korrigiert den Eintrag von %s", correctedAt: "korrigiert um %s",
	unknownEntry: "korrigiert einen Eintrag, der nicht vorliegt", unknownStep: "Schritt nicht im Playbook",
	timelineCols: [4]string{"Zeit", "Art", "Wer", "Eintrag"},
	kinds: map[string]string{handbook.LogNote: "Notiz", handbook.LogDecision: "Entscheidung",
		handbook.LogMessage: "Nachricht", handbook.LogCall: "Anruf", handbook.LogStep: "Schritt erledigt",
		handbook.LogUnstep: "Schritt zurückgenommen", handbook.LogEscalation: "Eskalation",
		handbook.LogReport: "Meldung versandt", handbook.LogCorrection: "Korrektur",
		handbook.LogStart: "Start", handbook.LogClose: "Abschluss",
		handbook.LogRegime: "Meldepflicht hinzu", handbook.LogClassified: "Einstufung",
		handbook.LogWaived: "Meldung nicht erforderlich", handbook.LogReportsOpen: "Abschluss mit offener Meldung",
		handbook.LogImpact: "Auswirkungen", handbook.LogNextUpdate: "Nächstes Update",
		handbook.LogInject: "Einspielung", handbook.LogRecovery: "Wiederanlauf gemessen", handbook.LogCallAttempt: "Anruf (Alarmierung)"},
	checklist: "Checkliste", done: "erledigt", stepOpen: "offen", undone: "zurückgenommen",
	stepOverdue: "ÜBERFÄLLIG", due: "fällig %s", afterTarget: "nach Frist", noPhase: "Allgemein",
	checklistCols: [5]string{"Stand", "Schritt", "Rolle", "Wer", "Wann"},
	messages:      "Versandte Nachrichten",
	messageCols:   [3]string{"Zeit", "Wer", "Nachricht"},
}

var reportEN = reportTexts{
	title: "Incident report", status: "Status", open: "open", closed: "closed",
	level: "Escalation level", ownerRole: "Owner role", onDuty: "on duty: %s",
	notified: "Notified at level %d", awareAt: "Aware since", started: "Started", closedAt: "Closed",
	duration: "Duration", running: "still running", playbook: "Playbook", noPlaybook: "no playbook",
	participants: "Participants", printed: "Printed",
	timeFormat: "15:04:05", stampFormat: "2006-01-02 15:04:05",
	clocks: "Reporting deadlines", noClocks: "No reporting deadline runs for this incident.",
	onTime: "on time", late: "late by %s", clockOpen: "open", left: "%s left",
	overdueBy: "overdue by %s", waived: "not needed: %s",
	awareSince: "aware since %s", classifiedAt: "classified as major %s",
	regimes:   map[string]string{handbook.RegimeGDPR: "GDPR", handbook.RegimeNIS2: "NIS2 / § 32 BSIG", handbook.RegimeDORA: "DORA"},
	clockCols: [5]string{"Report", "Due", "Sent", "By", "State"},
	clockNames: map[string]string{
		handbook.ClockGDPR33:           "GDPR Art. 33 – notification to the supervisory authority (72 h)",
		handbook.ClockNIS2Early:        "NIS2 / § 32 BSIG – early warning (24 h)",
		handbook.ClockNIS2Notify:       "NIS2 / § 32 BSIG – incident notification (72 h)",
		handbook.ClockNIS2Final:        "NIS2 / § 32 BSIG – final report (1 month)",
		handbook.ClockGDPR34:           "GDPR Art. 34 – informing the data subjects (reminder)",
		handbook.ClockDORAInitial:      "DORA – initial notification (4 h after classification, at most 24 h)",
		handbook.ClockDORAIntermediate: "DORA – intermediate report (72 h)",
		handbook.ClockDORAFinal:        "DORA – final report (1 month)",
	},
	timeline: "Timeline", corrects: "corrects entry of %s", correctedAt: "corrected at %s",
	unknownEntry: "corrects an entry that is not on record", unknownStep: "step not in the playbook",
	timelineCols: [4]string{"Time", "Kind", "Who", "Entry"},
	kinds: map[string]string{handbook.LogNote: "Note", handbook.LogDecision: "Decision",
		handbook.LogMessage: "Message", handbook.LogCall: "Call", handbook.LogStep: "Step done",
		handbook.LogUnstep: "Step taken back", handbook.LogEscalation: "Escalation",
		handbook.LogReport: "Report sent", handbook.LogCorrection: "Correction",
		handbook.LogStart: "Start", handbook.LogClose: "Close",
		handbook.LogRegime: "Reporting duty added", handbook.LogClassified: "Classification",
		handbook.LogWaived: "Report not needed", handbook.LogReportsOpen: "Closed with report open",
		handbook.LogImpact: "Impact", handbook.LogNextUpdate: "Next update",
		handbook.LogInject: "Inject", handbook.LogRecovery: "Recovery measured", handbook.LogCallAttempt: "Call (alarm test)"},
	checklist: "Checklist", done: "done", stepOpen: "open", undone: "taken back",
	stepOverdue: "OVERDUE", due: "due %s", afterTarget: "after target", noPhase: "General",
	checklistCols: [5]string{"State", "Step", "Role", "Who", "When"},
	messages:      "Messages sent",
	messageCols:   [3]string{"Time", "Who", "Message"},
}

// exerciseTexts are the fixed words of the exercise report and of what
// marks a drill.
type exerciseTexts struct {
	title, banner, kind, status, planned, held, drill, drillFrom string
	evaluated, facilitator, observers                            string
	kinds                                                        map[handbook.ExerciseKind]string
	statuses                                                     map[handbook.ExerciseStatus]string
	objectives, noObjectives, met, notMet, notRated, metOf       string
	objectiveCols                                                [2]string
	scope, noScope, playbook, process, site                      string
	scopeCols                                                    [3]string
	people, person, others, inLog, scenario                      string
	timeline, noDrill, injectNo, injectPlanned, injectEarly      string
	injectSpontaneous, expected, noResponse, byPlan, reaction    string
	notShown, prepared                                           string
	injectCols                                                   [3]string
	targets, noTargets, missed, open, targetsSum                 string
	targetCols                                                   [4]string
	recovery, noRecovery, recoveryLine                           string
	rtoMet, rtoMissed, rpoMet, rpoMissed                         string
	recoveryCols                                                 [7]string
	alarm, noCalls, reached, notReached, callLine, wrongNumber   string
	reachedBy                                                    map[string]string
	alarmCols                                                    [7]string
	alarmShares, wrong, yes, no                                  string
	clocks                                                       string
	evaluation, notEvaluated, result, wentWell, findings         string
	concerns, noAction, actionGone, reviews                      string
	findingCols                                                  [5]string
	actionStates                                                 map[handbook.ActionStatus]string
	signatures                                                   [2]string
}

var exerciseDE = exerciseTexts{
	title: "Übungsbericht", banner: "ÜBUNG – keine echte Meldung, kein echter Vorfall",
	kind: "Art", status: "Status", planned: "Geplant für", held: "Durchgeführt", drill: "Übungslauf",
	drillFrom: "ab %s, Dauer %s", evaluated: "Ausgewertet", facilitator: "Übungsleitung", observers: "Beobachtung",
	kinds: map[handbook.ExerciseKind]string{handbook.ExerciseAlarmTest: "Alarmierungstest", handbook.ExerciseWalkthrough: "Planbesprechung",
		handbook.ExerciseTabletop: "Planspiel", handbook.ExerciseFunctional: "Funktionstest", handbook.ExerciseFull: "Vollübung"},
	statuses: map[handbook.ExerciseStatus]string{handbook.ExercisePlanned: "geplant", handbook.ExerciseRunning: "läuft",
		handbook.ExerciseEvaluated: "ausgewertet"},
	objectives: "Übungsziele", noObjectives: "Für diese Übung sind keine Ziele festgelegt.",
	met: "erreicht", notMet: "nicht erreicht", notRated: "nicht bewertet", metOf: "%d von %d Zielen erreicht.",
	objectiveCols: [2]string{"Ziel", "Ergebnis"},
	scope:         "Umfang", noScope: "Kein Playbook, Dienst, Prozess oder Standort festgelegt.",
	playbook: "Playbook", process: "Prozess", site: "Standort",
	scopeCols: [3]string{"Art", "Was", "Vorgaben"},
	people:    "Beteiligte", person: "Person", others: "Weitere", inLog: "Im Protokoll", scenario: "Szenario",
	timeline: "Ablauf mit Einspielungen", noDrill: "Die Übung wurde ohne Übungslauf in Ernstfall durchgeführt; es gibt kein Protokoll.",
	injectNo: "Einspielung %d", injectPlanned: "geplant bei %s", injectEarly: "vorgezogen (geplant bei %s)",
	injectSpontaneous: "während der Übung ergänzt", expected: "Erwartet: %s",
	noResponse: "Keine Reaktion im Protokoll.", byPlan: "nach Plan", reaction: "Reaktion auf Einspielung %d",
	notShown: "%d vorbereitete Einspielungen wurden nicht mehr eingespielt.",
	prepared: "Vorbereitete Einspielungen", injectCols: [3]string{"Zeitpunkt", "Von", "Einspielung"},
	targets: "Zeitvorgaben", noTargets: "Keine Schritte mit Zeitvorgabe.",
	missed: "verfehlt", open: "offen", targetsSum: "%d eingehalten, %d verfehlt (von %d).",
	targetCols: [4]string{"Schritt", "Vorgabe", "Erledigt nach", "Ergebnis"},
	recovery:   "Wiederanlauf gegen RTO und RPO", noRecovery: "Keine Wiederanlaufzeiten erfasst.",
	recoveryLine: "Wiederanlauf nach %s (RTO %s), Datenverlust %s (RPO %s)",
	rtoMet:       "RTO erreicht", rtoMissed: "RTO verfehlt", rpoMet: "RPO erreicht", rpoMissed: "RPO verfehlt",
	recoveryCols: [7]string{"Dienst", "RTO", "Erreicht", "", "RPO", "Verlust", ""},
	alarm:        "Alarmierungstest", noCalls: "Keine Anrufe erfasst.", reached: "erreicht", notReached: "nicht erreicht",
	callLine: "%s: %s nach %s", wrongNumber: "Nummer falsch",
	reachedBy: map[string]string{handbook.ReachedPrimary: "Primär", handbook.ReachedDeputy: "Vertretung",
		handbook.ReachedNone: "nicht erreicht", handbook.ReachedUntried: "nicht angerufen"},
	alarmCols:   [7]string{"Stufe", "Rolle", "Erreicht", "Nummer", "Nach", "Frist", "In Frist"},
	alarmShares: "%d Rollen: %d %% über die primäre Person erreicht, %d %% über eine Vertretung, %d %% gar nicht.",
	wrong:       "falsch", yes: "ja", no: "nein",
	clocks:     "Übungsfristen (keine echten Meldefristen)",
	evaluation: "Auswertung", notEvaluated: "Die Übung ist noch nicht ausgewertet.",
	result: "Ergebnis", wentWell: "Was gut lief", findings: "Feststellungen und Maßnahmen",
	concerns: "betrifft: %s", noAction: "keine Maßnahme", actionGone: "Maßnahme gelöscht", reviews: "Zur Überprüfung vorgeschlagen",
	findingCols: [5]string{"Feststellung", "Maßnahme", "Verantwortlich", "Fällig", "Stand"},
	actionStates: map[handbook.ActionStatus]string{handbook.ActionOpen: "offen", handbook.ActionInProgress: "in Arbeit",
		handbook.ActionDone: "erledigt"},
	signatures: [2]string{"Übungsleitung: Datum, Unterschrift", "Freigabe der Auswertung: Datum, Unterschrift"},
}

var exerciseEN = exerciseTexts{
	title: "Exercise report", banner: "EXERCISE – not a real message, not a real incident",
	kind: "Kind", status: "Status", planned: "Planned for", held: "Held", drill: "Drill",
	drillFrom: "from %s, lasting %s", evaluated: "Evaluated", facilitator: "Facilitator", observers: "Observers",
	kinds: map[handbook.ExerciseKind]string{handbook.ExerciseAlarmTest: "Alarm test", handbook.ExerciseWalkthrough: "Walkthrough",
		handbook.ExerciseTabletop: "Tabletop exercise", handbook.ExerciseFunctional: "Functional test", handbook.ExerciseFull: "Full-scale exercise"},
	statuses: map[handbook.ExerciseStatus]string{handbook.ExercisePlanned: "planned", handbook.ExerciseRunning: "running",
		handbook.ExerciseEvaluated: "evaluated"},
	objectives: "Objectives", noObjectives: "No objectives were set for this exercise.",
	met: "met", notMet: "not met", notRated: "not rated", metOf: "%d of %d objectives met.",
	objectiveCols: [2]string{"Objective", "Outcome"},
	scope:         "Scope", noScope: "No playbook, service, process or site was set.",
	playbook: "Playbook", process: "Process", site: "Site",
	scopeCols: [3]string{"Kind", "What", "Objectives"},
	people:    "Participants", person: "Person", others: "Others", inLog: "In the log", scenario: "Scenario",
	timeline: "Timeline with injects", noDrill: "The exercise was held without a drill in Ernstfall; there is no log.",
	injectNo: "Inject %d", injectPlanned: "planned at %s", injectEarly: "brought forward (planned at %s)",
	injectSpontaneous: "added during the exercise", expected: "Expected: %s",
	noResponse: "No reaction in the log.", byPlan: "as planned", reaction: "Reaction to inject %d",
	notShown: "%d prepared injects were never brought in.",
	prepared: "Prepared injects", injectCols: [3]string{"When", "From", "Inject"},
	targets: "Time targets", noTargets: "No steps with a time target.",
	missed: "missed", open: "open", targetsSum: "%d met, %d missed (of %d).",
	targetCols: [4]string{"Step", "Target", "Done after", "Outcome"},
	recovery:   "Recovery against RTO and RPO", noRecovery: "No recovery times were recorded.",
	recoveryLine: "recovered after %s (RTO %s), data lost %s (RPO %s)",
	rtoMet:       "RTO met", rtoMissed: "RTO missed", rpoMet: "RPO met", rpoMissed: "RPO missed",
	recoveryCols: [7]string{"Service", "RTO", "Achieved", "", "RPO", "Lost", ""},
	alarm:        "Alarm test", noCalls: "No calls were recorded.", reached: "reached", notReached: "not reached",
	callLine: "%s: %s after %s", wrongNumber: "wrong number",
	reachedBy: map[string]string{handbook.ReachedPrimary: "Primary", handbook.ReachedDeputy: "Deputy",
		handbook.ReachedNone: "not reached", handbook.ReachedUntried: "not called"},
	alarmCols:   [7]string{"Level", "Role", "Reached", "Number", "After", "Deadline", "In time"},
	alarmShares: "%d roles: %d %% reached through the primary, %d %% through a deputy, %d %% not at all.",
	wrong:       "wrong", yes: "yes", no: "no",
	clocks:     "Practice clocks (no real reporting deadlines)",
	evaluation: "Evaluation", notEvaluated: "The exercise has not been evaluated yet.",
	result: "Result", wentWell: "What went well", findings: "Findings and actions",
	concerns: "concerns: %s", noAction: "no action", actionGone: "action deleted", reviews: "Suggested for review",
	findingCols: [5]string{"Finding", "Action", "Owner", "Due", "State"},
	actionStates: map[handbook.ActionStatus]string{handbook.ActionOpen: "open", handbook.ActionInProgress: "in progress",
		handbook.ActionDone: "done"},
	signatures: [2]string{"Facilitator: date, signature", "Evaluation accepted: date, signature"},
}
