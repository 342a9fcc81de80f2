"""The one place where kg names RDF terms.

Every term the code writes or queries is created here through :func:`_Namespace.term`, which
records it in :data:`ALL_TERMS`; a test checks each one is declared in ``ontology/kg.ttl``.
Terms are plain IRI strings so builders can format N-Quads without object churn.
"""

from __future__ import annotations

ALL_TERMS: set[str] = set()


class _Namespace:
    def __init__(self, prefix: str, iri: str) -> None:
        self.prefix = prefix
        self.iri = iri

    def term(self, name: str) -> str:
        iri = self.iri + name
        ALL_TERMS.add(iri)
        return iri


KG = _Namespace("kg", "https://w3id.org/kg/ns#")
SCHEMA = _Namespace("schema", "http://schema.org/")
PROV = _Namespace("prov", "http://www.w3.org/ns/prov#")
SKOS = _Namespace("skos", "http://www.w3.org/2004/02/skos/core#")
OA = _Namespace("oa", "http://www.w3.org/ns/oa#")
RDF = _Namespace("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = _Namespace("rdfs", "http://www.w3.org/2000/01/rdf-schema#")
OWL = _Namespace("owl", "http://www.w3.org/2002/07/owl#")
XSD = _Namespace("xsd", "http://www.w3.org/2001/XMLSchema#")
DCTERMS = _Namespace("dcterms", "http://purl.org/dc/terms/")

NAMESPACES: tuple[_Namespace, ...] = (KG, SCHEMA, PROV, SKOS, OA, RDF, RDFS, OWL, XSD, DCTERMS)
PREFIXES: dict[str, str] = {ns.prefix: ns.iri for ns in NAMESPACES}

# --- RDF / RDFS / OWL / SKOS / DCTERMS -------------------------------------------------------
TYPE = RDF.term("type")
LABEL = RDFS.term("label")
COMMENT = RDFS.term("comment")
SAME_AS = OWL.term("sameAs")
ALT_LABEL = SKOS.term("altLabel")
NOTATION = SKOS.term("notation")
PREF_LABEL = SKOS.term("prefLabel")
TITLE = DCTERMS.term("title")
FORMAT = DCTERMS.term("format")
CONFORMS_TO = DCTERMS.term("conformsTo")
RDF_VALUE = RDF.term("value")

# --- datatypes ---------------------------------------------------------------------------------
XSD_STRING = XSD.term("string")
XSD_DATE = XSD.term("date")
XSD_GYEAR = XSD.term("gYear")
XSD_GYEARMONTH = XSD.term("gYearMonth")
XSD_DATETIME = XSD.term("dateTime")
XSD_NON_NEG = XSD.term("nonNegativeInteger")
XSD_BOOLEAN = XSD.term("boolean")
XSD_DECIMAL = XSD.term("decimal")

# --- schema.org ----------------------------------------------------------------------------------
PERSON = SCHEMA.term("Person")
ORGANIZATION = SCHEMA.term("Organization")
CREATIVE_WORK = SCHEMA.term("CreativeWork")
CLAIM = SCHEMA.term("Claim")
NAME = SCHEMA.term("name")
TEXT = SCHEMA.term("text")
ABOUT = SCHEMA.term("about")
APPEARANCE = SCHEMA.term("appearance")
FIRST_APPEARANCE = SCHEMA.term("firstAppearance")
PUBLISHER = SCHEMA.term("publisher")
AUTHOR = SCHEMA.term("author")
DATE_PUBLISHED = SCHEMA.term("datePublished")
DATE_CREATED = SCHEMA.term("dateCreated")
URL = SCHEMA.term("url")
AFFILIATION = SCHEMA.term("affiliation")
ROLE_NAME = SCHEMA.term("roleName")
START_DATE = SCHEMA.term("startDate")
END_DATE = SCHEMA.term("endDate")
IN_LANGUAGE = SCHEMA.term("inLanguage")

# --- PROV-O ------------------------------------------------------------------------------------
ENTITY = PROV.term("Entity")
ACTIVITY = PROV.term("Activity")
SOFTWARE_AGENT = PROV.term("SoftwareAgent")
WAS_ATTRIBUTED_TO = PROV.term("wasAttributedTo")
WAS_GENERATED_BY = PROV.term("wasGeneratedBy")
WAS_ASSOCIATED_WITH = PROV.term("wasAssociatedWith")
USED = PROV.term("used")
STARTED_AT = PROV.term("startedAtTime")
ENDED_AT = PROV.term("endedAtTime")

# --- W3C Web Annotation ------------------------------------------------------------------------
ANNOTATION = OA.term("Annotation")
SPECIFIC_RESOURCE = OA.term("SpecificResource")
TEXT_QUOTE_SELECTOR = OA.term("TextQuoteSelector")
TEXT_POSITION_SELECTOR = OA.term("TextPositionSelector")
FRAGMENT_SELECTOR = OA.term("FragmentSelector")
PDF_FRAGMENT_SPEC = "http://tools.ietf.org/rfc/rfc3778"  # what a FragmentSelector's "page=N" conforms to
HAS_BODY = OA.term("hasBody")
HAS_TARGET = OA.term("hasTarget")
HAS_SOURCE = OA.term("hasSource")
HAS_SELECTOR = OA.term("hasSelector")
EXACT = OA.term("exact")
PREFIX = OA.term("prefix")
SUFFIX = OA.term("suffix")
START = OA.term("start")
END = OA.term("end")
MOTIVATED_BY = OA.term("motivatedBy")
DESCRIBING = OA.term("describing")

# --- kg's own terms ----------------------------------------------------------------------------
SOURCE = KG.term("Source")
AFFILIATION_CLASS = KG.term("Affiliation")
INGEST = KG.term("Ingest")
EXTRACTION = KG.term("Extraction")
ORGANIZATION_KIND = KG.term("OrganizationKind")
CLAIM_KIND_CLASS = KG.term("ClaimKind")
RELIABILITY_GRADE = KG.term("ReliabilityGrade")
CREDIBILITY_GRADE = KG.term("CredibilityGrade")
PUBLICATION_TYPE = KG.term("PublicationType")
CASE_FILE_NAME = KG.term("caseFileName")
PAGE_NUMBER = KG.term("page")
PAGE_COUNT = KG.term("pageCount")
ATTACHMENT_OF = KG.term("attachmentOf")

CLAIM_KIND = KG.term("claimKind")
QUOTE = KG.term("quote")
HAS_EVIDENCE = KG.term("hasEvidence")
RELAYED_BY = KG.term("relayedBy")
HEDGED = KG.term("hedged")
DISPUTES = KG.term("disputes")
CONFIDENCE = KG.term("confidence")
RELIABILITY = KG.term("reliability")
CREDIBILITY = KG.term("credibility")
KIND = KG.term("organizationKind")
PERSON_PROP = KG.term("person")
ORGANIZATION_PROP = KG.term("organization")
STATED_IN = KG.term("statedIn")
FILE_NAME = KG.term("fileName")
CONTENT_HASH = KG.term("contentHash")
BYTE_SIZE = KG.term("byteSize")
TRIPLE_COUNT = KG.term("tripleCount")
TOOL_VERSION = KG.term("toolVersion")
MODEL_NAME = KG.term("modelName")
MODEL_VERSION = KG.term("modelVersion")
SOURCE_TEXT = KG.term("sourceText")
PENDING = KG.term("pending")
BASE_IRI = KG.term("baseIri")
RESOLUTION_DIGEST = KG.term("resolutionDigest")
WRITER = KG.term("writer")
DEFAULT_GRAPH_HOLDS = KG.term("defaultGraphHolds")
SOURCE_MERGE = KG.term("SourceMerge")
MERGE_PENDING = KG.term("mergePending")

DIRECT_QUOTE = KG.term("DirectQuote")

def compact(iri: str) -> str:
    """``http://schema.org/Person`` -> ``schema:Person`` when a known prefix matches."""
    for ns in NAMESPACES:
        if iri.startswith(ns.iri) and iri != ns.iri:
            return f"{ns.prefix}:{iri[len(ns.iri):]}"
    return iri
