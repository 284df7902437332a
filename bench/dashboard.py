"""Dashboard speed at scale: every page of the Streamlit app on a workspace of 10,000 calls.

Target (issue: dashboard): with a generated workspace of 10,000 calls and 100,000 findings,
every page renders in at most 2 s, measured two ways:

1. AppTest (``streamlit.testing.v1``), in this process: the app's main script is run once
   (startup: the default page with every cache empty, so the store is opened and the shared
   frames are read; reported on its own row), then each page in ``app/app_pages/`` is switched
   to and run. *Cold* is the page's first run (what it computes itself is not cached yet; with
   ``--clear-cache``, ``st.cache_data`` is cleared first, so the shared frames are read again
   too); *warm* is the median of 3 reruns after it. A page that raises is reported as failed.
   With a search page, one more row times a semantic query typed into its first text input.
2. Chromium (headless, the system's ``/usr/bin/chromium`` driven by Playwright; no browser is
   downloaded): ``callinsight -w WORKSPACE dashboard`` is started as a server, its root is loaded
   once (startup, untimed against the target), then each page URL (``/<page file stem>``) is
   opened in a new browser tab: the time runs from ``page.goto`` until the page's ``h1`` is
   visible and the script has finished (``stApp`` reports ``notRunning`` and no "Running..."
   status widget is visible). *Cold* is the first visit, *warm* the second.

The workspace is generated (fixed seed, well under a minute) with SQLAlchemy Core bulk inserts
into the tables of ``callinsight.store.schema``: calls spread over 12 months (20 reps, 800
accounts, deals with won/lost/open outcomes, 8 industries), their utterances and conversation
metrics, 100,000 findings (objection 45 %, question 25 %, attribution, research and
content_mention 10 % each) quoted verbatim from prospect utterances and composed from templates,
about 600 clusters (85 % of clusterable findings placed), about 300 content assets with
cluster matches and coverage, an analysis row per call, cached quote vectors (synthetic,
cluster-structured; as a real analysed workspace holds), asset sends and a few jobs.

    .venv/bin/python bench/dashboard.py [--calls 10000] [--findings 100000]
        [--workspace DIR] [--no-browser] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from callinsight.dashboard.server import wait_healthy
from callinsight.records import Utterance
from callinsight.speakers.metrics import call_metrics
from callinsight.store import Store
from callinsight.store.schema import (
    AnalysisRow,
    AssetSendRow,
    CallMetricRow,
    CallRow,
    ClusterRow,
    ContentAssetRow,
    FindingRow,
    JobRow,
    MatchRow,
    TextVectorRow,
    UtteranceRow,
)

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app" / "streamlit_app.py"
PAGES = ROOT / "app" / "app_pages"
CLI = Path(sys.executable).parent / "callinsight"
CHROMIUM = "/usr/bin/chromium"
TARGET = 2.0  # seconds per page
WARM_RUNS = 3
SEED = 20260
LAST_DAY = dt.date(2026, 6, 30)
DAYS = 365
EMBED_MODEL, EMBED_DIM = "minilm", 384  # the configured embedder's label and dimension
DIGEST = "bench-dashboard-0001"
KIND_SHARE = {
    "objection": 0.45,
    "question": 0.25,
    "attribution": 0.10,
    "research": 0.10,
    "content_mention": 0.10,
}
N_CLUSTERS = {"objection": 320, "question": 170, "attribution": 70, "research": 70}  # caps
N_ASSETS = 300
CLUSTERED = 0.85

console = Console(width=120)

# -- vocabulary ------------------------------------------------------------------------------

FIRST = (
    "Alex", "Priya", "Jordan", "Mei", "Sam", "Fatima", "Lukas", "Olivia", "Diego", "Hannah",
    "Kwame", "Sofia", "Ravi", "Emma", "Tom", "Aisha", "Noah", "Yuki", "Carlos", "Ingrid",
    "Ben", "Chloe", "Omar", "Lena", "Marcus", "Nadia", "Pete", "Rosa", "Victor", "Zoe",
)  # fmt: skip
LAST = (
    "Nguyen", "Patel", "Schmidt", "Garcia", "Okafor", "Kowalski", "Larsen", "Rossi", "Tanaka",
    "Brown", "Dubois", "Haddad", "Silva", "Murphy", "Cohen", "Ivanova", "Kim", "Moreau",
)  # fmt: skip
ACCOUNT_A = (
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
    "Cyberdyne", "Tyrell", "Wonka", "Aperture", "Massive", "Oscorp", "Pied Piper", "Gringotts",
    "Monarch", "Nakatomi", "Sterling", "Dunder", "Prestige", "Blue Sun", "Virtucon", "Zorg",
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware",
    "Woodgrove", "Fourth Coffee", "Lucerne", "Wingtip", "Alpine", "Coho", "Margie", "Trey",
)  # fmt: skip
ACCOUNT_B = (
    "Logistics", "Health", "Bank", "Foods", "Labs", "Energy", "Retail", "Insurance", "Systems",
    "Robotics", "Media", "Freight", "Pharma", "Capital", "Analytics", "Telecom", "Motors",
    "Software", "Hotels", "Partners",
)  # fmt: skip
INDUSTRIES = (
    "SaaS", "Financial services", "Healthcare", "Retail", "Manufacturing", "Logistics",
    "Media", "Education",
)  # fmt: skip
STAGES = ("discovery", "demo", "evaluation", "proposal", "negotiation", "closing")
COMPETITORS = (
    "Gong", "Chorus", "Clari", "Outreach", "Salesloft", "Avoma", "Fathom", "Jiminny", "Wingman",
    "Grain",
)  # fmt: skip

# Objections: category -> (facets, {topic label: phrasings}); a cluster is a (topic, facet).
OBJECTIONS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "price": (
        (
            "the per-seat price",
            "the platform fee",
            "the implementation fee",
            "the annual commitment",
            "the add-on modules",
            "the renewal uplift",
            "the premium support tier",
            "the minimum seat count",
        ),
        {
            "too expensive": (
                "{x} is way over what we budgeted for this.",
                "Honestly, {x} is more than we can justify right now.",
                "We like it, but {x} is a lot for a team our size.",
            ),
            "budget frozen": (
                "Our budget is frozen until next fiscal year, so {x} won't get approved.",
                "Finance froze new spend this quarter and {x} is exactly what they'll cut.",
                "There's simply no budget left this year for {x}.",
            ),
            "ROI unclear": (
                "I can't show a return that covers {x} yet.",
                "I don't see how we'd earn back {x} in the first year.",
                "My CFO will ask what {x} buys us, and I don't have an answer.",
            ),
            "discount expected": (
                "We'd need a real discount on {x} to move forward.",
                "Other vendors waived {x} for us, so that's the bar.",
                "If you can't bring {x} down, it's going to be hard.",
            ),
        },
    ),
    "timing": (
        (
            "this quarter",
            "the reorg",
            "our CRM migration",
            "the hiring freeze",
            "the holidays",
            "the product launch",
            "our audit season",
            "the board meeting",
        ),
        {
            "not now": (
                "The timing is bad with {x} going on.",
                "Let's revisit after {x}, we just can't take this on now.",
                "Nobody has bandwidth for a new tool during {x}.",
            ),
            "other priorities": (
                "We have bigger fires to put out before {x} is over.",
                "This is on the list, but it's behind everything tied to {x}.",
                "Leadership told us to focus on {x} and nothing else.",
            ),
            "wait and see": (
                "Let's see how things look after {x} and talk again.",
                "Ping me again once {x} is behind us.",
                "I'd rather not start anything new until {x} settles.",
            ),
            "long rollout": (
                "A six-week rollout on top of {x} is not realistic.",
                "I'm worried the implementation drags on past {x}.",
                "We can't have reps in training during {x}.",
            ),
        },
    ),
    "competitor": (
        COMPETITORS,
        {
            "already using a competitor": (
                "We're already using {x} and the team is used to it.",
                "We signed with {x} last year, so switching is a hard sell.",
                "Most of our reps live in {x} all day already.",
            ),
            "competitor cheaper": (
                "{x} quoted us quite a bit less for the same thing.",
                "Why would we pay more than what {x} charges?",
                "{x} offered us a free pilot, can you match that?",
            ),
            "switching cost": (
                "Moving everything off {x} would take months.",
                "We'd lose a year of history if we leave {x}.",
                "Retraining the team away from {x} is a big ask.",
            ),
            "competitor feature": (
                "{x} already does the forecasting piece for us.",
                "What do you do that {x} doesn't?",
                "{x} has the deal boards our managers love.",
            ),
        },
    ),
    "integration": (
        (
            "Salesforce",
            "HubSpot",
            "Dynamics",
            "Zoom",
            "Teams",
            "Slack",
            "our data warehouse",
            "Okta",
            "our dialer",
            "Outlook",
        ),
        {
            "missing integration": (
                "Without a native {x} integration this is a non-starter.",
                "Everything we do runs through {x}, and I didn't see it on your list.",
                "If it doesn't sync with {x} my reps won't use it.",
            ),
            "integration effort": (
                "Our IT team doesn't have time to wire this into {x}.",
                "The last tool we connected to {x} took three months.",
                "Who maintains the {x} connector when it breaks?",
            ),
            "data sync concerns": (
                "I'm worried about duplicate records in {x}.",
                "We had a bad experience with a tool overwriting fields in {x}.",
                "Does it write back to {x} or only read from it?",
            ),
        },
    ),
    "security": (
        (
            "SOC 2",
            "GDPR",
            "HIPAA",
            "data residency",
            "SSO",
            "call recording consent",
            "encryption at rest",
            "our vendor questionnaire",
        ),
        {
            "compliance requirements": (
                "Our security team won't sign off without {x}.",
                "{x} is a hard requirement for any vendor touching call data.",
                "Legal flagged {x} as a blocker in the first review.",
            ),
            "security review slow": (
                "Getting through {x} review usually takes us a quarter.",
                "The last vendor spent two months on {x} with our CISO.",
                "I'm not sure you'd pass our {x} checks.",
            ),
            "data privacy": (
                "Recording customers raises {x} questions we can't ignore.",
                "Where does the data live? {x} matters a lot for us.",
                "We got burned on {x} before, so everyone is nervous.",
            ),
        },
    ),
    "authority": (
        (
            "my VP",
            "the CFO",
            "procurement",
            "the CRO",
            "our IT director",
            "the steering committee",
            "the founders",
            "the regional lead",
        ),
        {
            "needs approval": (
                "I like it, but {x} has to approve anything like this.",
                "This would have to go through {x} first.",
                "I'm not the decision maker here, {x} is.",
            ),
            "committee decision": (
                "Anything over ten thousand goes to {x} as a group decision.",
                "{x} meets once a month, so we'd wait for that.",
                "I'd need {x} in the room for the next call.",
            ),
            "champion lacks influence": (
                "Honestly {x} doesn't see this as a priority.",
                "I'd have to build the case myself and sell it to {x}.",
                "{x} killed a similar project last year.",
            ),
        },
    ),
    "need": (
        (
            "call recording",
            "coaching",
            "forecasting",
            "deal reviews",
            "conversation analytics",
            "win-loss analysis",
            "onboarding new reps",
            "pipeline inspection",
        ),
        {
            "no need": (
                "We don't really have a problem with {x} today.",
                "Our managers handle {x} fine with spreadsheets.",
                "I'm not convinced we need a tool for {x}.",
            ),
            "solved internally": (
                "We built something in-house for {x} last year.",
                "Our ops team already scripted {x} for us.",
                "An intern put together a dashboard for {x} that works okay.",
            ),
            "nice to have": (
                "It's a nice to have, but {x} isn't a pain point.",
                "We could live without better {x} for another year.",
                "I see the value for {x}, it's just not urgent.",
            ),
        },
    ),
    "trust": (
        (
            "a company our size",
            "our industry",
            "a team in Europe",
            "enterprise accounts",
            "a regulated business",
            "a remote team",
            "a fast-growing startup",
            "a global rollout",
        ),
        {
            "no proof": (
                "Do you have any references from {x}?",
                "I haven't seen a case study that looks like {x}.",
                "I'd want to talk to a customer that is {x} before we commit.",
            ),
            "bad past experience": (
                "The last vendor we bought for {x} never delivered.",
                "We signed a tool like this for {x} and nobody used it.",
                "After the last rollout for {x}, people are skeptical.",
            ),
            "vendor risk": (
                "You're a young company, and that worries me for {x}.",
                "What happens to our data if you get acquired? That matters for {x}.",
                "We've been burned by tools that overpromised to {x}.",
            ),
        },
    ),
    "contract": (
        (
            "the three-year term",
            "the auto-renewal clause",
            "the termination terms",
            "the liability cap",
            "the payment schedule",
            "the SLA",
            "the data processing addendum",
            "the price lock",
        ),
        {
            "contract terms": (
                "Our legal team pushed back hard on {x}.",
                "We can't sign with {x} as it's written.",
                "{x} is going to be a sticking point.",
            ),
            "procurement process": (
                "Our procurement needs three quotes before they touch {x}.",
                "Vendor onboarding takes weeks, and {x} adds to that.",
                "Procurement will redline {x} for sure.",
            ),
            "flexibility": (
                "We need an out if it doesn't work, {x} doesn't give us that.",
                "Could we start monthly instead of {x}?",
                "Procurement wants {x} changed before they'll look at it.",
            ),
        },
    ),
    "resources": (
        (
            "admin time",
            "training",
            "change management",
            "a dedicated owner",
            "enablement",
            "the rollout",
            "ongoing maintenance",
            "reporting setup",
        ),
        {
            "no bandwidth": (
                "We don't have anyone who can own {x}.",
                "My ops person is already stretched, {x} would fall on her.",
                "Who is going to do {x}? We're a small team.",
            ),
            "learning curve": (
                "The learning curve for {x} worries me.",
                "My reps hate anything that adds {x} to their week.",
                "How much {x} does this really take per rep?",
            ),
            "adoption risk": (
                "I'm worried reps won't stick with it after {x}.",
                "The last tool died because nobody did {x}.",
                "Getting forty reps through {x} is a project in itself.",
            ),
        },
    ),
}

QUESTION_FACETS = (
    "the Salesforce sync", "SSO", "the reporting dashboards", "data retention", "the API",
    "user provisioning", "the mobile app", "custom fields", "call recording consent",
    "onboarding",
    "the Slack alerts",
    "the Chrome extension",
)  # fmt: skip
QUESTIONS: dict[str, tuple[str, ...]] = {
    "how it works": ("How does {x} actually work?", "Can you walk me through {x}?"),
    "included or extra": ("Is {x} included or is that extra?", "Do we pay separately for {x}?"),
    "setup time": ("How long does {x} take to set up?", "What does setting up {x} involve?"),
    "pilot": ("Can we try {x} during the pilot?", "Would {x} be part of a trial?"),
    "support": ("Who supports {x} on your side?", "What if {x} breaks, who do we call?"),
    "documentation": ("Is there documentation on {x}?", "Do you have a guide for {x}?"),
    "cancellation": ("What happens to {x} if we cancel?", "Can we export {x} if we leave?"),
    "limits": ("Are there any limits on {x}?", "Does {x} scale to two hundred users?"),
    "roadmap": ("Is {x} on the roadmap for this year?", "What's changing with {x} soon?"),
    "admin control": ("Can admins lock down {x}?", "Who can change {x} settings?"),
    "security of": ("How is {x} secured?", "Has {x} been pen tested?"),
    "customers using": ("Which customers use {x} today?", "Do many teams rely on {x}?"),
    "training": ("Do you train our team on {x}?", "Is there training for {x}?"),
    "pricing of": ("How is {x} priced?", "Does {x} change the price per seat?"),
}

# Attribution: channel -> (entities, phrasings); a cluster is a (channel, entity).
ATTRIBUTION: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "search": (
        ("Google", "Bing", "DuckDuckGo", "Ecosia", "Brave Search"),
        (
            "I searched {e} for call analytics tools and you came up.",
            "Honestly I just found you on {e}.",
            "A quick {e} search led me to your site.",
        ),
    ),
    "review_site": (
        ("G2", "Capterra", "TrustRadius", "Gartner Peer Insights", "Software Advice"),
        (
            "I read your reviews on {e}.",
            "You were top rated on {e} in our category.",
            "We shortlisted you from {e}.",
        ),
    ),
    "social": (
        ("LinkedIn", "Twitter", "YouTube", "Reddit", "Instagram"),
        (
            "I saw a post about you on {e}.",
            "Someone in my {e} feed kept sharing your stuff.",
            "Your founder's posts on {e} got my attention.",
        ),
    ),
    "podcast": (
        (
            "30 Minutes to President's Club",
            "Sales Hacker",
            "The Revenue Podcast",
            "Make It Rain",
            "Modern Selling",
        ),
        (
            "I heard you on {e}.",
            "Your CEO was a guest on {e}.",
            "A friend sent me an episode of {e} that mentioned you.",
        ),
    ),
    "community": (
        ("RevGenius", "Pavilion", "Modern Sales Pros", "the RevOps Co-op", "Women in Sales"),
        (
            "People in {e} recommended you.",
            "It came up in a thread in {e}.",
            "Half of {e} seems to use you.",
        ),
    ),
    "referral": (
        (
            "a friend at Acme",
            "my old manager",
            "our investor",
            "a peer at Globex",
            "a former colleague",
        ),
        ("{e} swore by you.", "I got your name from {e}.", "{e} told me to talk to you."),
    ),
    "event": (
        ("SaaStr", "Dreamforce", "Web Summit", "the RevOps Summit", "Sales 3.0"),
        ("We met your team at {e}.", "I saw your talk at {e}.", "Your booth at {e} was packed."),
    ),
    "content": (
        (
            "your benchmark report",
            "your blog",
            "the coaching playbook",
            "your newsletter",
            "the webinar series",
        ),
        ("I read {e} and reached out.", "{e} is how I found you.", "My team keeps forwarding {e}."),
    ),
    "ai_assistant": (
        ("ChatGPT", "Perplexity", "Claude", "Gemini", "Copilot"),
        (
            "I asked {e} for tools like this and it named you.",
            "{e} recommended you, honestly.",
            "You came up when I asked {e} for options.",
        ),
    ),
    "paid_ads": (
        (
            "a LinkedIn ad",
            "a Google ad",
            "a retargeting banner",
            "a sponsored post",
            "a YouTube ad",
        ),
        (
            "I clicked on {e}.",
            "It was {e} that got me to your site.",
            "I kept seeing {e} and finally booked.",
        ),
    ),
    "outbound": (
        ("your SDR's email", "a cold call", "a LinkedIn message", "your sequence", "a voicemail"),
        (
            "{e} landed at the right time.",
            "Honestly {e} is why we're talking.",
            "I answered {e} because we had just lost a deal.",
        ),
    ),
    "partner": (
        (
            "our Salesforce partner",
            "the HubSpot marketplace",
            "our consultant",
            "our reseller",
            "the Zoom app store",
        ),
        ("{e} suggested you.", "We found you through {e}.", "{e} put us in touch."),
    ),
    "existing_relationship": (
        (
            "my last company",
            "a previous job",
            "our sister company",
            "the parent company",
            "our EMEA team",
        ),
        ("We used you at {e}.", "I was a customer at {e}.", "{e} already runs on you."),
    ),
    "other": (
        ("a job posting", "a university course", "a book", "a conference swag bag", "a meetup"),
        (
            "Funnily enough, {e} mentioned you.",
            "I first heard of you through {e}.",
            "It started with {e}, believe it or not.",
        ),
    ),
}

RESEARCH: dict[str, tuple[str, ...]] = {
    "compared competitors": (
        "We compared you with {e} before this call.",
        "I put together a sheet with you and {e} side by side.",
    ),
    "demoed competitor": ("We had a demo with {e} last week.", "{e} showed us their product too."),
    "read reviews": ("I read what people say about {e} on G2.", "Reviews of {e} were mixed."),
    "analyst report": (
        "The analyst report ranked {e} above you.",
        "I saw {e} in the latest analyst wave.",
    ),
    "asked peers": ("I asked a few peers who use {e}.", "My network is split between you and {e}."),
    "trialed": ("We trialed {e} for a month.", "Our pilot with {e} ended in May."),
    "pricing research": ("I looked up what {e} charges.", "{e}'s pricing page was clearer."),
}

FILLER = (
    "Yeah, that makes sense.", "Okay.", "Let me think about that for a second.",
    "So, a bit of context on our side.", "Right.", "We're about forty reps across two regions.",
    "I'll be honest with you.", "That's a fair question.", "Sure, happy to share.",
    "Our managers listen to maybe two calls a week.", "Mm-hm.", "Good to know.",
)  # fmt: skip
REP_LINES = {
    "objection": (
        "What would need to be true for this to move forward?",
        "Can you tell me more about what's holding things up?",
        "How does that compare to what you expected going in?",
    ),
    "question": ("Any questions on what you've seen so far?", "What else should I cover?"),
    "attribution": (
        "Out of curiosity, how did you first hear about us?",
        "What made you reach out to us?",
    ),
    "research": ("Who else are you looking at?", "What have you evaluated so far?"),
    "content_mention": ("Have you had a chance to look at any of our material?",),
    "other": (
        "Thanks for making the time today.",
        "Great, let's dive in.",
        "I'll send a recap after this call.",
        "Does that help?",
    ),
}

ASSET_TYPES = ("case study", "blog post", "whitepaper", "guide", "webinar", "FAQ",
               "comparison page", "one-pager", "checklist", "video")  # fmt: skip
ASSET_SUBJECTS = {
    "price": ("total cost of ownership", "ROI of conversation intelligence", "pricing plans"),
    "timing": ("a two-week rollout", "implementation timelines", "launching mid-quarter"),
    "competitor": ("switching from legacy tools", "how we compare", "migration support"),
    "integration": ("the CRM integration", "connecting Zoom and Teams", "the open API"),
    "security": ("security and compliance", "GDPR and call recording", "our trust centre"),
    "authority": ("building the business case", "winning over finance", "executive buy-in"),
    "need": ("the cost of unreviewed calls", "coaching at scale", "forecast accuracy"),
    "trust": ("customer stories", "references in regulated industries", "our customer council"),
    "contract": ("flexible contract terms", "our SLA explained", "the data processing addendum"),
    "resources": ("running it without an admin", "rep adoption", "enablement in a box"),
}
PARAGRAPHS = (
    "Teams that adopt {s} early see results within the first month. Managers spend less time "
    "listening to recordings and more time coaching the moments that matter.",
    "This {t} explains {s} step by step, with the numbers our customers report after ninety "
    "days: shorter ramp times, higher win rates and fewer surprises in the forecast.",
    "We answer the questions buyers ask most about {s}: what it costs, how long it takes, who "
    "needs to be involved and what happens to your data along the way.",
    "Revenue leaders at {c} used {s} to cut their review backlog in half while rolling out to "
    "every region in a single quarter.",
    "If {s} is what stands between you and a decision, start here: a short checklist, a worked "
    "example and the contact who can help your team get it done.",
)


@dataclass
class ClusterSpec:
    id: int
    kind: str
    label: str
    keywords: list[str]
    phrasings: tuple[str, ...]
    slot: str
    category: str | None = None
    channel: str | None = None
    members: int = 0
    coverage: str | None = None
    coverage_score: float | None = None
    matches: list[tuple[str, float, str]] = field(default_factory=list)


def _keywords(*texts: str) -> list[str]:
    stop = {"the", "a", "an", "our", "my", "of", "to", "and", "on", "in", "is", "for", "your"}
    words = [w for t in texts for w in re.findall(r"[A-Za-z0-9']+", t.lower()) if w not in stop]
    return list(dict.fromkeys(words))[:6]


def cluster_specs() -> list[ClusterSpec]:
    specs: list[ClusterSpec] = []

    def add(kind: str, label: str, phrasings, slot: str, **kw) -> None:
        specs.append(
            ClusterSpec(
                id=len(specs) + 1,
                kind=kind,
                label=label,
                keywords=_keywords(label, slot),
                phrasings=tuple(phrasings),
                slot=slot,
                **kw,
            )
        )

    objection = [
        (cat, topic, phr, x)
        for cat, (facets, topics) in OBJECTIONS.items()
        for x in facets
        for topic, phr in topics.items()
    ]
    random.Random(SEED).shuffle(objection)
    for cat, topic, phr, x in objection[: N_CLUSTERS["objection"]]:
        add("objection", f"{topic}: {x}", phr, x, category=cat)
    question = [(t, p, x) for t, p in QUESTIONS.items() for x in QUESTION_FACETS]
    for topic, phr, x in question[: N_CLUSTERS["question"]]:
        add("question", f"{x}: {topic}", phr, x)
    attribution = [(ch, e, p) for ch, (es, p) in ATTRIBUTION.items() for e in es]
    for ch, e, phr in attribution[: N_CLUSTERS["attribution"]]:
        add("attribution", f"{ch.replace('_', ' ')}: {e}", phr, e, channel=ch)
    research = [(t, p, e) for t, p in RESEARCH.items() for e in COMPETITORS]
    for topic, phr, e in research[: N_CLUSTERS["research"]]:
        add("research", f"{topic}: {e}", phr, e)
    return specs


LEAD_INS = ("", "", "", "Honestly, ", "Look, ", "I mean, ", "To be fair, ", "The thing is, ",
            "Frankly, ", "And ", "So ", "Well, ", "I'll be honest, ", "Yeah, ")  # fmt: skip
ENDINGS = {
    ".": (".", ".", ", to be honest.", " at this point.", ", frankly.", " for us.", ", really."),
    "?": ("?", "?", " for us?", " in our case?", ", by the way?", " exactly?"),
}


def _fill(template: str, value: str, rng: random.Random | None = None) -> str:
    """A template with its slot filled; with ``rng``, a spoken lead-in and ending for variety."""
    text = template.replace("{x}", value).replace("{e}", value)
    lead = rng.choice(LEAD_INS) if rng else ""
    if rng and text[-1] in ENDINGS and not text.endswith("”."):
        text = text[:-1] + rng.choice(ENDINGS[text[-1]])
    if lead and not template.startswith("{") and not text.startswith(("I ", "I'")):
        text = text[0].lower() + text[1:]
    text = lead + text
    return text[0].upper() + text[1:]


# -- generation ------------------------------------------------------------------------------


@dataclass
class Asset:
    id: str
    title: str
    category: str
    paragraphs: list[str]


def _assets(rng: random.Random) -> list[Asset]:
    out = []
    cats = list(ASSET_SUBJECTS)
    for i in range(N_ASSETS):
        cat = cats[i % len(cats)]
        subject = ASSET_SUBJECTS[cat][(i // len(cats)) % 3]
        kind = ASSET_TYPES[(i * 7 + i // 30) % len(ASSET_TYPES)]
        company = f"{rng.choice(ACCOUNT_A)} {rng.choice(ACCOUNT_B)}"
        title = {
            "case study": f"How {company} mastered {subject}",
            "guide": f"The complete guide to {subject}",
            "comparison page": f"{rng.choice(COMPETITORS)} vs us: {subject}",
            "FAQ": f"FAQ: {subject}",
            "checklist": f"Checklist: {subject}",
        }.get(kind, f"{subject[0].upper()}{subject[1:]} ({kind} {i // 30 + 1})")
        paras = [
            p.format(s=subject, t=kind, c=company)
            for p in rng.sample(PARAGRAPHS, rng.randint(3, 4))
        ]
        out.append(Asset(f"A-{i + 1:04d}", title, cat, paras))
    return out


def _zipf_weights(n: int, rng: random.Random) -> list[float]:
    w = [1.0 / (r + 1) ** 0.9 for r in range(n)]
    rng.shuffle(w)
    return w


def _call_id(i: int) -> str:
    return hashlib.sha256(f"bench-dashboard-call-{i}".encode()).hexdigest()


def _rows(conn, table, rows: list[dict], batch: int = 20_000) -> None:
    for i in range(0, len(rows), batch):
        conn.execute(insert(table), rows[i : i + batch])


def generate(workspace: Path, calls: int = 10_000, findings: int = 100_000) -> None:
    """A workspace of ``calls`` calls and ``findings`` findings (fixed seed): see the docstring."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    nrng = np.random.default_rng(SEED)
    workspace.mkdir(parents=True, exist_ok=True)
    db = workspace / "callinsight.db"
    if db.exists():
        raise SystemExit(f"{db} exists; pass --workspace to reuse it or choose an empty folder")
    store = Store(f"sqlite:///{db}")

    def step(what: str) -> None:
        console.print(f"  {time.perf_counter() - started:5.1f} s  {what}")

    reps = [f"{FIRST[i]} {LAST[i % len(LAST)]}" for i in range(20)]
    accounts = sorted({f"{a} {b}" for a in ACCOUNT_A for b in ACCOUNT_B})
    accounts = rng.sample(accounts, 800)
    account_industry = {a: INDUSTRIES[rng.randrange(len(INDUSTRIES))] for a in accounts}
    account_weights = _zipf_weights(len(accounts), rng)
    account_rep = {a: reps[k % len(reps)] for k, a in enumerate(accounts)}
    deals: dict[str, list[str]] = {a: [] for a in accounts}
    outcomes: dict[str, str] = {}
    specs = cluster_specs()
    by_kind: dict[str, list[ClusterSpec]] = defaultdict(list)
    for c in specs:
        by_kind[c.kind].append(c)
    weights = {k: _zipf_weights(len(v), rng) for k, v in by_kind.items()}
    assets = _assets(rng)
    kinds, shares = list(KIND_SHARE), list(KIND_SHARE.values())

    # Findings per call: each finding lands on a random call (about Poisson(findings / calls)).
    per_call = [0] * calls
    for c in rng.choices(range(calls), k=findings):
        per_call[c] += 1
    call_rows, utt_rows, finding_rows, metric_rows, analysis_rows = [], [], [], [], []
    quote_spec: dict[str, int] = {}  # quote -> cluster (for the synthetic vectors)
    order = sorted(range(calls), key=lambda i: rng.random())  # dates independent of index
    for n, i in enumerate(order):
        cid = _call_id(i)
        day = LAST_DAY - dt.timedelta(days=int(DAYS * (1 - (n / calls) ** 0.8)))
        account = rng.choices(accounts, account_weights)[0]
        if not deals[account] or rng.random() < 0.15:
            deal = f"D-{len(outcomes) + 1:05d}"
            deals[account].append(deal)
            age = (LAST_DAY - day).days
            outcomes[deal] = rng.choices(
                ("won", "lost", "open"), (0.35, 0.35, 0.3) if age > 60 else (0.1, 0.1, 0.8)
            )[0]
        deal = deals[account][-1]
        stage = STAGES[min(len(STAGES) - 1, int(rng.random() * len(STAGES)))]
        rep = account_rep[account] if rng.random() < 0.8 else rng.choice(reps)
        prospects = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))]
        slug = re.sub(r"[^a-z0-9]+", "-", account.lower()).strip("-")
        call_rows.append(
            {
                "id": cid,
                "source_file": f"calls/{day:%Y-%m}/{slug}-{stage}-{i:05d}.vtt",
                "source_kind": "transcript",
                "format": "vtt",
                "title": f"{account} — {stage} call",
                "date": day,
                "language": "en",
                "channels": 1,
                "rep": rep,
                "account": account,
                "deal_id": deal,
                "stage": stage,
                "outcome": outcomes[deal],
                "industry": account_industry[account],
                "status": "transcribed",
                "method": "vtt",
            }
        )
        # The call's findings, grouped into prospect turns of 1-3 quotes each.
        picked = []
        for kind in rng.choices(kinds, shares, k=per_call[i]):
            if kind == "content_mention":
                a = assets[int(nrng.integers(len(assets)))]
                quote = _fill(
                    rng.choice(
                        (
                            "I read your {e} last week.",
                            "The {e} was really helpful for our team.",
                            "Someone forwarded me the {e}.",
                            "We passed around your {e} internally.",
                        )
                    ),
                    f"“{a.title}”",
                    rng,
                )
                picked.append((kind, quote, None, a))
            else:
                spec = rng.choices(by_kind[kind], weights[kind])[0]
                quote = _fill(rng.choice(spec.phrasings), spec.slot, rng)
                picked.append((kind, quote, spec, None))
        utts: list[Utterance] = []
        clock = 0.0

        def say(speaker: str, role: str, text: str, utts=utts) -> Utterance:
            nonlocal clock
            start = clock + rng.uniform(0.3, 1.5)
            end = start + len(text.split()) / rng.uniform(2.2, 3.0)
            clock = end
            u = Utterance(
                index=len(utts),
                speaker=speaker,
                text=text,
                start_s=round(start, 2),
                end_s=round(end, 2),
                role=role,
                role_source="heuristic",
                role_confidence=0.9,
            )
            utts.append(u)
            return u

        say(rep, "rep", rng.choice(REP_LINES["other"]))
        say(prospects[0], "prospect", rng.choice(FILLER))
        j = 0
        while j < len(picked):
            group = picked[j : j + rng.randint(1, 3)]
            j += len(group)
            asked = rng.random() < 0.6
            if asked:
                say(rep, "rep", rng.choice(REP_LINES[group[0][0]]))
            else:
                say(rep, "rep", rng.choice(REP_LINES["other"]))
            parts, spans = [], []
            if rng.random() < 0.4:
                parts.append(rng.choice(FILLER))
            for kind, quote, spec, asset in group:
                at = sum(len(p) + 1 for p in parts)
                spans.append((at, at + len(quote), kind, quote, spec, asset))
                parts.append(quote)
            speaker = rng.choice(prospects)
            u = say(speaker, "prospect", " ".join(parts))
            per_char = (u.end_s - u.start_s) / max(len(u.text), 1)
            for a, b, kind, quote, spec, asset in spans:
                clustered = spec is not None and rng.random() < CLUSTERED
                if spec is not None:
                    spec.members += clustered
                    quote_spec.setdefault(quote, spec.id)
                detail = None
                if kind == "content_mention":
                    detail = {"asset_id": asset.id}
                elif kind in ("attribution", "research"):
                    detail = {
                        "asked": asked,
                        **({"prompt_utterance": u.index - 1} if asked else {}),
                    }
                elif kind == "question":
                    detail = {"asked": False}
                finding_rows.append(
                    {
                        "call_id": cid,
                        "utterance_index": u.index,
                        "kind": kind,
                        "category": spec.category if spec else None,
                        "channel": spec.channel if spec else None,
                        "entity": (
                            asset.title
                            if asset
                            else spec.slot
                            if kind in ("attribution", "research")
                            else None
                        ),
                        "speaker": speaker,
                        "role": "prospect",
                        "start_s": round(u.start_s + a * per_char, 2),
                        "end_s": round(u.start_s + b * per_char, 2),
                        "quote": quote,
                        "char_start": a,
                        "char_end": b,
                        "confidence": round(rng.uniform(0.55, 0.99), 3),
                        "method": (
                            rng.choice(("model", "model", "similarity"))
                            if kind == "objection"
                            else "rule"
                        ),
                        "cluster_id": spec.id if clustered else None,
                        "cluster_score": (
                            None
                            if spec is None
                            else round(
                                rng.uniform(0.55, 0.95) if clustered else rng.uniform(0.2, 0.45), 4
                            )
                        ),
                        "dismissed": rng.random() < 0.005,
                        "detail": detail,
                    }
                )
            if rng.random() < 0.5:
                say(rep, "rep", rng.choice(REP_LINES["other"]))
        say(prospects[0], "prospect", "Thanks, talk soon.")
        call_rows[-1]["duration_s"] = round(clock + 2.0, 1)
        for u in utts:
            utt_rows.append(
                {
                    "call_id": cid,
                    "idx": u.index,
                    "speaker": u.speaker,
                    "role": u.role,
                    "role_source": u.role_source,
                    "role_confidence": u.role_confidence,
                    "start_s": u.start_s,
                    "end_s": u.end_s,
                    "text": u.text,
                    "confidence": 0.93,
                }
            )
        metric_rows.extend(
            {"call_id": cid, "scope": m.scope, "name": m.name, "value": m.value, "unit": m.unit}
            for m in call_metrics(utts)
        )
        analysis_rows.append({"call_id": cid, "digest": DIGEST, "findings": per_call[i]})
    step(f"composed {len(call_rows):,} calls, {len(utt_rows):,} utterances, "
         f"{len(finding_rows):,} findings")  # fmt: skip

    # Coverage and matches for objection and question clusters; assets of the same category.
    assets_by_cat: dict[str, list[Asset]] = defaultdict(list)
    for a in assets:
        assets_by_cat[a.category].append(a)
    for c in specs:
        if c.kind not in ("objection", "question"):
            continue
        pool = assets_by_cat.get(c.category or "", []) or assets
        c.coverage = rng.choices(("covered", "partly", "uncovered"), (0.4, 0.25, 0.35))[0]
        n_match = {"covered": rng.randint(1, 3), "partly": rng.randint(1, 2), "uncovered": 0}
        lo, hi = {"covered": (0.49, 0.8), "partly": (0.38, 0.49), "uncovered": (0.1, 0.38)}[
            c.coverage
        ]
        for a in rng.sample(pool, min(n_match[c.coverage], len(pool))):
            c.matches.append((a.id, round(rng.uniform(lo, hi), 4), rng.choice(a.paragraphs)))
        c.coverage_score = max((m[1] for m in c.matches), default=round(rng.uniform(lo, hi), 4))

    # Synthetic unit vectors: the cluster's direction plus noise, float16 as the cache keeps them.
    directions = nrng.normal(size=(len(specs) + 1, EMBED_DIM)).astype(np.float32)
    quotes = sorted(quote_spec)
    noise = nrng.normal(scale=0.6, size=(len(quotes), EMBED_DIM)).astype(np.float32)
    vecs = directions[[quote_spec[q] for q in quotes]] + noise
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vector_rows = [
        {
            "model": EMBED_MODEL,
            "digest": hashlib.sha1(q.encode("utf-8")).hexdigest(),
            "vector": v.astype(np.float16).tobytes(),
        }
        for q, v in zip(quotes, vecs, strict=True)
    ]
    centroids = directions / np.linalg.norm(directions, axis=1, keepdims=True)

    with store.engine.begin() as conn:
        _rows(conn, CallRow, call_rows)
        step("calls")
        _rows(conn, UtteranceRow, utt_rows)
        step("utterances")
        _rows(conn, CallMetricRow, metric_rows)
        _rows(
            conn,
            ClusterRow,
            [
                {
                    "id": c.id,
                    "kind": c.kind,
                    "label": c.label,
                    "user_label": None,
                    "size": c.members,
                    "centroid_f32": centroids[c.id],
                    "keywords": c.keywords,
                    "coverage": c.coverage,
                    "coverage_score": c.coverage_score,
                }
                for c in specs
            ],
        )
        _rows(conn, FindingRow, finding_rows)
        step("findings")
        _rows(conn, AnalysisRow, analysis_rows)
        _rows(
            conn,
            ContentAssetRow,
            [
                {
                    "id": a.id,
                    "title": a.title,
                    "url": "https://example.com/resources/"
                    + re.sub(r"[^a-z0-9]+", "-", a.title.lower()).strip("-"),
                    "type": ASSET_TYPES[(int(a.id[2:]) * 7 + int(a.id[2:]) // 30) % 10],
                    "tags": [a.category, *rng.sample(STAGES, 1)],
                    "persona": rng.choice(("RevOps", "Sales leader", "CFO", "IT", "Enablement")),
                    "stage": rng.choice(("awareness", "consideration", "decision")),
                    "owner": rng.choice(reps),
                    "published": LAST_DAY - dt.timedelta(days=rng.randrange(700)),
                    "summary": a.paragraphs[0],
                    "text": "\n\n".join(a.paragraphs),
                    "source": "library/assets.csv",
                    "suggested_tags": [a.category],
                }
                for a in assets
            ],
        )
        _rows(
            conn,
            MatchRow,
            [
                {
                    "cluster_id": c.id,
                    "asset_id": aid,
                    "score": score,
                    "passage": passage,
                    "decision": rng.choices((None, "accepted", "rejected"), (0.9, 0.07, 0.03))[0],
                    "suggested": True,
                }
                for c in specs
                for aid, score, passage in c.matches
            ],
        )
        objection_ids = [c.id for c in specs if c.kind == "objection"]
        _rows(
            conn,
            AssetSendRow,
            [
                {
                    "asset_id": rng.choice(assets).id,
                    "cluster_id": rng.choice(objection_ids) if rng.random() < 0.7 else None,
                    "call_id": rng.choice(call_rows)["id"],
                    "rep": rng.choice(reps),
                    "note": rng.choice((None, "sent after the demo", "follow-up email")),
                }
                for _ in range(max(1, calls // 20))
            ],
        )
        _rows(
            conn,
            JobRow,
            [
                {
                    "kind": kind,
                    "status": status,
                    "payload": {"files": n},
                    "progress": progress,
                    "message": message,
                }
                for kind, status, n, progress, message in (
                    ("ingest", "done", calls, 1.0, f"{calls} calls ingested"),
                    ("analyze", "done", calls, 1.0, f"{findings} findings"),
                    ("cluster", "done", 0, 1.0, f"{len(specs)} clusters"),
                    ("ingest", "failed", 3, 0.33, "E104 unreadable file: calls/broken.vtt"),
                    ("ingest", "done", 1, 1.0, "14 findings (9 objection, 5 question)"),
                )
            ],
        )
        _rows(conn, TextVectorRow, vector_rows)
        step(f"{len(specs)} clusters, {len(assets)} assets, {len(vector_rows):,} quote vectors")
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.close()
    step(f"done: {db} ({db.stat().st_size / 2**20:.0f} MiB)")


# -- timing ----------------------------------------------------------------------------------


def pages() -> list[Path]:
    return sorted(PAGES.glob("*.py")) if PAGES.is_dir() else []


@dataclass
class Timing:
    cold: float | None = None
    warm: float | None = None
    error: str | None = None


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


SEARCH_QUERY = "worried about migrating our data"


def time_apptest(workspace: Path, clear_cache: bool = False) -> dict[str, Timing]:
    """First (cold) and warm (median of WARM_RUNS) AppTest runs of every page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CALLINSIGHT_WORKSPACE"] = str(workspace)
    out: dict[str, Timing] = {}

    def failure(at) -> str | None:
        if at.exception:
            e = at.exception[0]
            return _short(f"exception: {getattr(e, 'message', e)}")
        return None

    at = AppTest.from_file(str(APP), default_timeout=60)
    started = time.perf_counter()
    try:
        at.run()
        out["(startup)"] = Timing(cold=time.perf_counter() - started, error=failure(at))
    except Exception as exc:  # the app could not start: nothing else can be timed
        out["(startup)"] = Timing(error=_short(f"{type(exc).__name__}: {exc}"))
        return out
    for path in pages():
        name = path.stem
        t = Timing()
        out[name] = t
        try:
            if clear_cache:
                st.cache_data.clear()
            at.switch_page(f"app_pages/{path.name}")
            started = time.perf_counter()
            at.run()
            t.cold = time.perf_counter() - started
            t.error = failure(at)
            runs = []
            for _ in range(WARM_RUNS):
                started = time.perf_counter()
                at.run()
                runs.append(time.perf_counter() - started)
            t.warm = statistics.median(runs)
            t.error = t.error or failure(at)
        except Exception as exc:
            t.error = _short(f"{type(exc).__name__}: {exc}")
        console.print(f"  AppTest {name}: cold {_sec(t.cold)}, warm {_sec(t.warm)} {t.error or ''}")
        if name == "search" and not t.error:
            out["search (query)"] = _time_query(at, failure)
    return out


def _time_query(at, failure) -> Timing:
    """The search page with a query typed in: first search (cold) and repeats (warm)."""
    t = Timing()
    try:
        box = at.text_input[0]
        runs = []
        for n in range(1 + WARM_RUNS):
            box.set_value(SEARCH_QUERY if n % 2 == 0 else SEARCH_QUERY + " ")
            started = time.perf_counter()
            at.run(timeout=600)  # the first query may embed quotes the store has no vector for
            runs.append(time.perf_counter() - started)
            t.error = t.error or failure(at)
            box = at.text_input[0]
        t.cold, t.warm = runs[0], statistics.median(runs[1:])
    except Exception as exc:
        t.error = _short(f"{type(exc).__name__}: {exc}")
    console.print(f"  AppTest search (query): cold {_sec(t.cold)}, warm {_sec(t.warm)}")
    return t


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(context, url: str, timeout_ms: int = 60_000) -> tuple[float, str | None]:
    """Seconds from goto until the page's h1 shows and the script has finished."""
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        page.wait_for_selector("h1", state="visible", timeout=timeout_ms)
        page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                const state = app && app.getAttribute('data-test-script-state');
                if (state && state !== 'notRunning') return false;
                const s = document.querySelector('[data-testid="stStatusWidget"]');
                return !s || s.offsetParent === null || !s.textContent.includes('Running');
            }""",
            timeout=timeout_ms,
            polling=50,
        )
        elapsed = time.perf_counter() - started
        error = None
        exc = page.locator('[data-testid="stException"]')
        if exc.count():
            error = _short("exception: " + exc.first.inner_text())
        return elapsed, error
    finally:
        page.close()


BARE_APP = 'import streamlit as st\n\nst.title("Hello")\nst.write("a bare page")\n'


def _bare_baseline(browser) -> Timing:
    """The same measurement on a one-line Streamlit app: the floor on this machine."""
    t = Timing()
    folder = Path(tempfile.mkdtemp(prefix="bare-streamlit-"))
    (folder / "app.py").write_text(BARE_APP, encoding="utf-8")
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(folder / "app.py"), "--server.port"]
    cmd += [str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        t.cold, t.error = _load(context, f"http://127.0.0.1:{port}/")
        t.warm, _ = _load(context, f"http://127.0.0.1:{port}/")
        context.close()
    except Exception as exc:
        t.error = _short(f"{type(exc).__name__}: {exc}")
    finally:
        _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)
    console.print(f"  Chromium bare Streamlit page: cold {_sec(t.cold)}, warm {_sec(t.warm)}")
    return t


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def time_chromium(workspace: Path) -> dict[str, Timing]:
    """First and second visit of every page URL in headless Chromium against a live server."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    cmd = [str(CLI), "-w", str(workspace), "dashboard", "--port", str(port)]
    cmd += ["--address", "127.0.0.1"]
    env = {**os.environ, "CALLINSIGHT_WORKSPACE": str(workspace)}
    fd, log_name = tempfile.mkstemp(prefix="dashboard-", suffix=".log")
    log = os.fdopen(fd, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    out: dict[str, Timing] = {}
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                t = Timing()
                try:
                    t.cold, t.error = _load(context, base + "/")
                except Exception as exc:
                    t.error = _short(f"{type(exc).__name__}: {exc}")
                out["(startup)"] = t
                out["(bare Streamlit page)"] = _bare_baseline(browser)
                for path in pages():
                    t = Timing()
                    out[path.stem] = t
                    for attr in ("cold", "warm"):
                        try:
                            secs, err = _load(context, f"{base}/{url_path(path)}")
                            setattr(t, attr, secs)
                            t.error = t.error or err
                        except Exception as exc:
                            t.error = t.error or _short(f"{type(exc).__name__}: {exc}")
                    console.print(
                        f"  Chromium {path.stem}: cold {_sec(t.cold)}, warm {_sec(t.warm)} "
                        f"{t.error or ''}"
                    )
            finally:
                browser.close()
    except Exception as exc:
        out.setdefault("(startup)", Timing(error=_short(f"{type(exc).__name__}: {exc}")))
    finally:
        _stop(proc)
        log.close()
        if proc.returncode not in (0, -15, 143) or any(t.error for t in out.values()):
            tail = Path(log_name).read_text(errors="replace").splitlines()[-15:]
            console.print(f"  dashboard log ({log_name}):", *tail, sep="\n    ", highlight=False)
        else:
            Path(log_name).unlink(missing_ok=True)
    return out


DEFAULT_PAGE = "overview"  # st.Page(..., default=True) in app/streamlit_app.py


def url_path(page: Path) -> str:
    """The default page is served at the root only: "/overview" would time Streamlit's "page
    not found" dialog and then the root."""
    return "" if page.stem == DEFAULT_PAGE else page.stem


def _sec(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f} s"


def report(apptest: dict[str, Timing], chromium: dict[str, Timing] | None, title: str) -> bool:
    table = Table(title=title)
    for col in ("page", "AppTest cold", "AppTest warm (median of 3)", "Chromium cold",
                "Chromium warm", "target", "met"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("page", "met") else "right")
    names = list(dict.fromkeys([*apptest, *(chromium or {})]))
    all_met = True
    notes = []
    for name in names:
        a = apptest.get(name, Timing())
        c = (chromium or {}).get(name, Timing())
        times = [a.cold, a.warm] + ([c.cold, c.warm] if chromium is not None else [])
        errors = [e for e in (a.error, c.error) if e]
        if name.startswith("("):  # startup and the bare-page floor: context, not pages
            met = "failed" if errors else "(reference)"
        else:
            ok = not errors and all(x is not None and x <= TARGET for x in times)
            all_met &= ok or "(" in name  # an interaction, not a page load: reported only
            met = "failed" if errors else ("yes" if ok else "no")
        notes += [f"{name}: {e}" for e in errors]
        table.add_row(
            name,
            _sec(a.cold),
            _sec(a.warm),
            _sec(c.cold) if chromium is not None else "not run",
            _sec(c.warm) if chromium is not None else "not run",
            f"≤ {TARGET:.0f} s",
            met,
        )
    console.print(table)
    for n in notes:
        console.print(f"  {n}", highlight=False)
    return all_met and bool(pages())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--workspace", type=Path, help="reuse a workspace generated before")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    parser.add_argument("--keep", action="store_true", help="keep the generated workspace")
    parser.add_argument("--generate-only", action="store_true", help="generate, time nothing")
    parser.add_argument(
        "--clear-cache", action="store_true", help="clear st.cache_data before each cold run"
    )
    args = parser.parse_args()
    if args.workspace and (args.workspace / "callinsight.db").is_file():
        workspace, made = args.workspace.resolve(), False
        console.print(f"reusing the workspace {workspace}")
    else:
        workspace = (args.workspace or Path(tempfile.mkdtemp(prefix="ci-dash-"))).resolve()
        made = args.workspace is None
        console.print(f"generating {args.calls:,} calls, {args.findings:,} findings in {workspace}")
        generate(workspace, args.calls, args.findings)
    try:
        if args.generate_only:
            return 0
        if not APP.is_file() or not pages():
            console.print(f"no dashboard to time: {APP} or {PAGES}/*.py is missing")
            return 1
        console.print("AppTest:")
        apptest = time_apptest(workspace, args.clear_cache)
        chromium = None
        if not args.no_browser:
            console.print("Chromium:")
            chromium = time_chromium(workspace)
        title = (
            f"dashboard page times ({args.calls:,} calls, {args.findings:,} findings, "
            f"{os.cpu_count()} cores)"
        )
        return 0 if report(apptest, chromium, title) else 1
    finally:
        if made and not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
        elif made:
            console.print(f"kept the workspace {workspace}")


if __name__ == "__main__":
    sys.exit(main())
