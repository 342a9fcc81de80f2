"""General English word lists the extraction rules use: speech verbs, organization head nouns,
role nouns, hedges. These describe the language, never particular people or organizations."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs whose subject is a speaker and whose clausal complement is what was said.
SPEECH_VERBS = words("""
say tell add warn argue claim insist state report find conclude confirm deny allege suggest note
explain write announce acknowledge admit estimate predict testify maintain contend assert stress
reply respond recall complain reveal disclose concede declare emphasise emphasize observe counter
comment show indicate caution agree believe fear accuse describe call dismiss write tweet post
dispute reject refute contest recommend hold rule
""")
# Verbs that only count as speech with a clause of their own ("the court held that ...", "ruled that").
CLAUSE_ONLY_VERBS = frozenset({"hold", "rule"})
# Speech verbs whose complement is what the speaker rejects: the claim text says so.
DENIALS = frozenset({"deny", "dispute", "reject", "refute", "dismiss", "contest"})
# Verbs that only count as speech when a quotation is their object ("called it 'a fabrication'").
QUOTE_ONLY_VERBS = frozenset({"describe", "call", "dismiss", "accuse", "believe", "fear", "agree"})

# Last words that make a name an organization ("Halvorsen Energy", "Patients First" excepted).
ORG_HEADS = words("""
agency alliance association assembly authority bank board bureau campaign center centre chamber
embassy consulate delegation division mission secretariat church coalition college commission
committee company corporation council court department
directorate energy federation forum foundation fund group guild holdings hospital inc institute
institution league ltd llc ministry mining movement network office organisation organization
parliament partners party plc police polymers press project railways school service services society
trust tribunal union university watch airlines airways industries laboratories labs logistics motors
pharmaceuticals systems technologies media television radio club army navy pharma operations shipping
marine port ports airport capital ventures resources petroleum oil gas steel chemicals foods telecom
communications insurance investments securities properties construction engineering consulting solutions
brands studios entertainment publishing hospitals clinic homes developments estates realty
""")
# Nouns that stand for a news outlet mentioned earlier ("the newspaper said").
MEDIA_NOUNS = frozenset({"newspaper", "paper", "outlet", "broadcaster", "magazine", "tabloid", "website", "site",
                         "station", "channel", "daily", "weekly", "agency"})
# People who speak for the body they work at: "analysts at Norrbank said ..." is Norrbank's view.
STAFF_NOUNS = words("""
analyst economist researcher scientist expert official lawyer investigator auditor inspector engineer
staff team office campaign aide spokesperson spokesman spokeswoman representative spokespeople editor
""")
# Words after a name that say what kind of body it names ("the Green Dawn movement").
ORG_TYPE_NOUNS = words("""
movement group party campaign coalition network alliance organisation organization charity company
firm union militia sect church foundation network site website supplier manufacturer lender insurer
retailer broadcaster outlet newspaper magazine startup subsidiary conglomerate consultancy agency
nonprofit ngo charity journal tabloid bank
""")
OUTLET_CUES = words("""
times news gazette herald post observer courier ledger standard tribune chronicle journal review
wire telegraph guardian express mirror daily weekly monitor reporter dispatch bulletin register
record examiner sentinel independent press broadcasting tv radio magazine
""")
JOURNAL_CUES = frozenset({"journal", "annals", "proceedings", "lancet", "bulletin", "review", "letters"})
# Generic nouns standing for a document whose findings are reported ("the study found").
DOCUMENT_NOUNS = words("""
study report paper survey audit review analysis investigation inquiry research findings finding assessment
document letter statement memo lawsuit suit complaint petition filing indictment ruling judgment
verdict affidavit
""")
# Generic nouns that stand for an organization mentioned elsewhere ("the company said").
ORG_NOUNS = words("""
company firm group agency ministry council union board department hospital bank utility organisation
organization office authority charity committee court government regulator trust association network
institute university federation party movement campaign coalition department administration
airline carrier insurer lender retailer manufacturer supplier operator contractor broadcaster publisher
airport chain society
""")
# People speaking for an organization ("a spokesperson for the Ministry said").
SPOKES_NOUNS = words("""
spokesperson spokesman spokeswoman representative official officials spokespeople
""")
HONORIFICS = words("""
mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady judge justice father rev
rev. reverend sister brother senator rep. president minister general colonel captain sheikh rabbi
imam mayor governor councillor councilor councilman councilwoman alderman commissioner chancellor
inspector sergeant detective superintendent ambassador bishop cardinal
""")
MALE = frozenset({"mr", "mr.", "sir", "lord", "father", "brother", "spokesman", "he", "him", "his", "chairman"})
FEMALE = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "sister", "spokeswoman", "she", "her",
                    "chairwoman"})
HEDGES = words("""
reportedly allegedly apparently purportedly supposedly possibly probably perhaps likely unlikely may
might could seemingly unconfirmed rumoured rumored suspected alleged presumably
""")
# Head nouns of the titles and roles people hold ("Assistant Attorney General", "MDC leader", "the
# Commissioner for Trade"): a name right after or in apposition to one is a person.
ROLE_NOUNS = words("""
president vice-president minister secretary commissioner chairman chairwoman chairperson chair spokesman
spokeswoman spokesperson judge justice director chief ceo leader head member founder co-founder official
reporter correspondent editor editor-in-chief manager negotiator attorney agent representative ambassador
governor senator congressman congresswoman professor lecturer researcher officer counsel lawyer rapporteur
coordinator adviser advisor envoy deputy general commander prosecutor mayor premier chancellor treasurer
analyst economist scientist expert investigator activist campaigner executive administrator superintendent
inspector lieutenant sergeant captain colonel king queen prince princess sheikh candidate nominee delegate
""")
# Verbs in a relative clause that give a role ("who chairs the association").
ROLE_VERBS = {"chair": "chair", "head": "head", "lead": "leader", "found": "founder", "direct": "director",
              "run": "head", "manage": "manager", "represent": "representative", "own": "owner"}
# Adjectives that are not part of a role ("former spokeswoman", "then head").
ROLE_DROP = frozenset({"former", "then", "now", "current", "acting", "interim", "longtime", "new", "own", "its",
                       "his", "her", "their", "a", "an", "the", "ex"})
# Nouns after a name that show the name is an adjective of a people ("Veyran families").
GROUP_NOUNS = words("""
community communities families family people villagers minority minorities tribe tribes population
refugees residents farmers workers women men children elders group groups descent origin
""")
