"""Word material for ``kg synth``: fictional names, places, roles, titles and claim sentences.

Everything here is invented from syllables and stock phrases written for kg, so generated
cases never name a real person. Only :mod:`kg.synth` uses these tables.
"""

from __future__ import annotations

import random

FIRST_ONSETS = ("Ma", "Li", "Ta", "Ro", "Ne", "Sa", "Ka", "Da", "Vi", "E", "Mi", "Jo", "A", "Fe", "Lu", "I",
                "Be", "Cor", "Ha", "Ya", "Ze", "O", "Pe", "Ri", "Se", "To", "Ve", "Ga", "No", "Bri")
FIRST_ENDINGS = ("rin", "na", "ra", "lo", "mir", "sha", "ven", "dan", "lia", "ko", "ta", "rek", "nia", "sel",
                 "mon", "ela", "vin", "ria", "tan", "lise", "nor", "dra", "bel", "ko", "rit", "len")
SURNAME_ONSETS = ("Vel", "Kar", "Dor", "Mal", "Sten", "Bra", "Hol", "Ors", "Tam", "Quin", "Zel", "Fen", "Gra",
                  "Lin", "Mor", "Pel", "Rud", "Sar", "Tor", "Var", "Wen", "Ash", "Bel", "Cal", "Dun", "Esk",
                  "Fal", "Hart", "Kes", "Lom", "Nav", "Ost", "Rav", "Sol", "Tev", "Ul", "Vor", "Yar")
SURNAME_MIDDLES = ("a", "e", "o", "i", "", "", "", "an", "er")
SURNAME_ENDINGS = ("vic", "sen", "ridge", "berg", "ova", "ski", "ton", "wood", "lund", "mann", "ez", "ari",
                   "elli", "ov", "quist", "hart", "ford", "dal", "ian", "oglu", "ek", "stad", "ley", "enko")
# a few names carry diacritics, as real case files do
ACCENTED = {"Lia": "Lía", "Sela": "Séla", "Ona": "Oña", "Mirek": "Mírek", "Jonas": "Jonás"}

PLACE_ONSETS = ("Val", "Mor", "Ast", "Bel", "Cor", "Dra", "Esk", "Hal", "Ist", "Kel", "Lor", "Nar", "Ost",
                "Pra", "Ruv", "Sel", "Tar", "Ulm", "Ves", "Zan", "Bryn", "Cal", "Fen", "Gor", "Tesh")
PLACE_ENDINGS = ("enia", "avia", "mark", "land", "heim", "ora", "una", "grad", "port", "ova", "dale", "mere",
                 "wick", "ania", "os", "ica", "burg", "haven", "ford", "ista")

PORTFOLIOS = ("Health", "Finance", "Defence", "Interior", "Justice", "Energy", "Transport", "Agriculture",
              "Education", "Foreign Affairs", "Environment", "Economy", "Labour", "Culture", "Infrastructure")
AGENCIES = ("Customs Authority", "Procurement Office", "Tax Administration", "Medicines Agency",
            "Anti-Corruption Bureau", "Police Service", "Audit Office", "Border Agency", "Statistics Office",
            "Financial Intelligence Unit", "Land Registry", "Competition Authority", "Prosecutor's Office")
BUSINESS = ("Logistics", "Holdings", "Pharma", "Construction", "Energy", "Trading", "Shipping", "Capital",
            "Mining", "Consulting", "Security", "Telecom", "Medical Supplies", "Agro", "Engineering", "Media")
COMPANY_SUFFIXES = ("Ltd", "Group", "S.A.", "GmbH", "Inc.", "LLC", "plc", "AG", "& Partners")
NGO_FORMS = ("{place} Transparency Initiative", "Coalition for {cause}", "{place} Watch", "Friends of {place}",
             "Centre for {cause}", "{place} Human Rights Network", "Citizens for {cause}", "{place} Legal Aid")
CAUSES = ("Open Government", "Clean Contracts", "Press Freedom", "Patient Safety", "Fair Trade", "Land Rights",
          "Accountable Policing", "Public Health", "Climate Justice", "Fiscal Transparency", "Refugee Rights")
PAPERS = ("Herald", "Courier", "Gazette", "Post", "Observer", "Ledger", "Tribune", "Sentinel", "Chronicle",
          "Times", "Monitor", "Dispatch")
FIELDS = ("Public Health", "Transplantation", "Criminology", "Economics", "Epidemiology", "Political Science",
          "Forensic Accounting", "Environmental Science", "Law", "Surgery")
PARTY_WORDS = ("National Renewal", "Democratic Union", "People's Progress", "Liberal Alliance", "Green Future",
               "Social Justice", "Civic Platform", "Workers' Unity", "Free Citizens", "Homeland")

ROLES = {
    "Government": ("prime minister", "government spokesperson", "cabinet secretary"),
    "GovernmentAgency": ("minister", "deputy minister", "spokesperson", "director", "press officer", "auditor"),
    "Company": ("chief executive", "chief financial officer", "spokesperson", "board member", "founder",
                "sales director"),
    "NGO": ("director", "researcher", "spokesperson", "campaigner", "legal adviser"),
    "NewsOutlet": ("reporter", "editor", "correspondent", "investigations editor", "columnist"),
    "Journal": ("editor", "associate editor"),
    "University": ("professor", "researcher", "lecturer", "dean"),
    "Hospital": ("surgeon", "chief physician", "hospital director", "nurse"),
    "PoliticalParty": ("party leader", "member of parliament", "treasurer", "spokesperson"),
    "Court": ("judge", "court spokesperson"),
    "ResearchInstitute": ("senior fellow", "analyst", "director"),
    "InternationalOrganization": ("special rapporteur", "envoy", "spokesperson"),
    "ProfessionalBody": ("president", "ethics officer"),
    "Military": ("general", "press officer"),
}
DOCTOR_ROLES = ("professor", "surgeon", "chief physician", "hospital director", "researcher", "dean", "lecturer")

TOPICS = ("procurement fraud", "offshore accounts", "hospital tenders", "arms exports", "land deals",
          "drug pricing", "waste contracts", "customs fraud", "illegal logging", "campaign finance",
          "vaccine purchases", "road construction", "fishing licences", "detention conditions", "organ trafficking",
          "bank secrecy", "mining concessions", "surveillance contracts", "pension funds", "water privatisation")
PROJECTS = ("{place} Bridge", "{place} port expansion", "national vaccine programme", "{place} metro line",
            "{place} dam", "border wall contract", "{place} hospital wing", "state broadband network",
            "{place} ring road", "emergency medical stockpile", "{place} free-trade zone", "prison refit")
GOODS = ("ventilators", "surgical masks", "diesel", "timber", "rifles", "cement", "tablets", "fish", "copper",
         "laptops", "grain")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

TITLE_FORMS = {
    "NewsArticle": ("{org} accused of {topic}", "Inside the {project} deal", "{person} under scrutiny over {topic}",
                    "How {org} won the {project} tender", "Leaked files link {org} to {org2}",
                    "{place} opens inquiry into {topic}", "Questions mount over {project}",
                    "{org} denies role in {topic}", "The money trail behind the {project}"),
    "Report": ("{org} report on {topic} ({year})", "Follow the money: {topic} in {place}",
               "Annual review of {topic}, {year}"),
    "PressRelease": ("{org} statement on {topic}", "{org} responds to media reports on the {project}"),
    "ScholarlyArticle": ("Patterns of {topic} in {place}: a study", "Measuring {topic}: evidence from {place}"),
    "BlogPosting": ("What the {project} files tell us", "Notes on {topic} in {place}"),
    "SocialMediaPosting": ("Post by {person} on the {project}",),
    "Video": ("Interview: {person} on {topic}",),
}
PUB_TYPE_WEIGHTS = {"NewsArticle": 70, "Report": 8, "PressRelease": 8, "ScholarlyArticle": 4,
                    "BlogPosting": 5, "SocialMediaPosting": 3, "Video": 2}

# {a} and {b} are the claim's subjects (a person or an organization)
CLAIM_FORMS = (
    "{a} paid {amount} to {b} through intermediaries in {place} in {year}.",
    "{a} knew about irregularities in the {project} contract as early as {month} {year}.",
    "The tender for the {project} was awarded to {a} without competition.",
    "{a} denies any wrongdoing and says all payments to {b} were declared.",
    "Internal documents show {a} overstated costs by {pct} percent.",
    "{a} met {b} at least {n} times before the {project} contract was signed.",
    "Shipments of {goods} sent by {a} left {place} under a false customs declaration.",
    "{a} has not answered repeated requests for comment about {topic}.",
    "{a} received a consulting fee of {amount} from {b} in {year}.",
    "Auditors found that {a} could not account for {amount} spent on the {project}.",
    "{a} pressured officials to approve the {project} before the election.",
    "{a} says the allegations about {topic} are politically motivated.",
    "Employees of {a} were told to delete emails about {b} in {month} {year}.",
    "{a} owns a stake in {b} through a company registered in {place}.",
    "The prices {a} charged for {goods} were {pct} percent above the market rate.",
    "{a} warned {b} in writing about {topic} in {year}.",
    "{a} rejects the report's findings on {topic} as inaccurate.",
    "Witnesses say {a} was present when the {project} payments were agreed.",
    "{a} moved {amount} to accounts in {place} within {n} days of the award.",
    "An inquiry into {a} over {topic} has been opened by prosecutors in {place}.",
    "{a} and {b} share the same registered address in {place}.",
    "{a} was never informed about the {project} subcontracts, a source close to {b} says.",
)
HEDGES = ("allegedly", "reportedly", "according to people familiar with the matter")


def syllable_name(rng: random.Random, onsets: tuple[str, ...], endings: tuple[str, ...]) -> str:
    return rng.choice(onsets) + rng.choice(endings)


def first_name(rng: random.Random) -> str:
    name = syllable_name(rng, FIRST_ONSETS, FIRST_ENDINGS).capitalize()
    return ACCENTED.get(name, name)


def surname(rng: random.Random) -> str:
    return (rng.choice(SURNAME_ONSETS) + rng.choice(SURNAME_MIDDLES) + rng.choice(SURNAME_ENDINGS)).capitalize()


def place(rng: random.Random) -> str:
    return syllable_name(rng, PLACE_ONSETS, PLACE_ENDINGS).capitalize()


def acronym(name: str) -> str:
    letters = [w[0] for w in name.replace("-", " ").split() if w[:1].isupper()]
    return "".join(letters)
