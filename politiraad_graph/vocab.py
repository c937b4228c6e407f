"""Our vocabulary, the ``pol:`` namespace, as a namespace class that fails on typos.

Generated from ontology/politiraad.ttl (version 0.1.0) by
``python -m politiraad_graph.tools.gen_vocab``. Do not edit: change the ontology and
run the generator again.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class POL(DefinedNamespace):
    """The ``pol:`` terms of the ontology; an unknown term raises ``AttributeError``."""

    _fail = True
    _NS = Namespace("https://w3id.org/politiraad/ontology#")

    # Classes
    AgendaItem: URIRef  # agenda item
    Agreement: URIRef  # police council agreement
    Council: URIRef  # police council
    Decision: URIRef  # decision
    Document: URIRef  # document
    Fact: URIRef  # fact
    FollowUpPoint: URIRef  # follow-up point
    Incident: URIRef  # incident
    Meeting: URIRef  # meeting
    Mention: URIRef  # mention
    MonetaryAmount: URIRef  # monetary amount
    Participation: URIRef  # participation
    Passage: URIRef  # passage
    Plan: URIRef  # plan
    PlanDocument: URIRef  # plan document
    PostHolding: URIRef  # post holding
    PriorityAreaEffort: URIRef  # priority-area effort
    Programme: URIRef  # programme
    SourceDocument: URIRef  # source document
    StatusUpdate: URIRef  # status update

    # Object properties
    agendaItem: URIRef  # agenda item
    attachment: URIRef  # attachment
    attestedIn: URIRef  # attested in
    concernsDocument: URIRef  # concerns document
    context: URIRef  # context
    convenedBy: URIRef  # convened by
    council: URIRef  # council
    decisionObject: URIRef  # decision object
    decisionType: URIRef  # decision type
    effortStatus: URIRef  # effort status
    evidence: URIRef  # evidence
    followUp: URIRef  # follow-up point
    heldPost: URIRef  # held post
    holder: URIRef  # holder
    inPost: URIRef  # in post
    lead: URIRef  # lead
    listedIn: URIRef  # listed in
    meeting: URIRef  # meeting
    meetingRole: URIRef  # meeting role
    meetingStatus: URIRef  # meeting status
    meetingType: URIRef  # meeting type
    mentionOf: URIRef  # mention of
    minutes: URIRef  # minutes
    onBehalfOf: URIRef  # on behalf of
    originMeeting: URIRef  # origin meeting
    participant: URIRef  # participant
    payer: URIRef  # payer
    policeUnit: URIRef  # police unit
    presentedBy: URIRef  # presented by
    programme: URIRef  # programme
    purpose: URIRef  # purpose
    recordsMeeting: URIRef  # records meeting
    reportedIn: URIRef  # reported in
    responsible: URIRef  # responsible
    scheduledFor: URIRef  # scheduled for
    scheduledIn: URIRef  # scheduled in
    signatory: URIRef  # signatory
    status: URIRef  # status
    treatedJointlyWith: URIRef  # treated jointly with

    # Datatype properties
    abbreviation: URIRef  # abbreviation
    acting: URIRef  # acting
    approximateDate: URIRef  # approximate date
    asOf: URIRef  # as of
    content: URIRef  # content
    dateBasis: URIRef  # date basis
    fileName: URIRef  # file name
    followUpYear: URIRef  # follow-up year
    fromYear: URIRef  # from year
    itemNumber: URIRef  # item number
    newInPost: URIRef  # new in post
    number: URIRef  # number
    periodEnd: URIRef  # period end
    periodStart: URIRef  # period start
    position: URIRef  # position
    sha256: URIRef  # SHA-256
    statusText: URIRef  # status text
    summary: URIRef  # summary
    year: URIRef  # year
