"""A realistic demo directory: about 150 community services across Sunderland.

The demo's fifteen community organisations each run a few groups, and twenty-five more fictional
groups fill out the city. Some meet at real Sunderland libraries (data/libraries_sunderland_area.csv,
Open Government Licence v3.0 — see data/ATTRIBUTION.md); the rest at invented community
centres with real SR postcodes. Times, people and contact details are invented.

Deterministic for a given `rng`. The listing the issue asks a new user to find:
"a women's English conversation group on Tuesday mornings within 2 miles of SR4 7AA where
someone speaks Bengali" is `TARGET_NAME`, at Kayll Road Library (SR4 7TW).
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass, field
from importlib.resources import files

from django.utils import timezone

from linkwell.lib.postcode import sample_live_postcodes

from . import services
from .models import ListingReport, Organization, Service
from .vocabulary import taxonomy_term_uuid

TARGET_NAME = "Tuesday English Conversation for Women"

# The fifteen VCSE organisations of the main demo (linkwell.demo ORGANISATIONS keys).
VCSE_KEYS = (
    "garden",
    "stitch",
    "shed",
    "walkers",
    "welcome",
    "debt",
    "carers",
    "foodbank",
    "arts",
    "befriending",
    "bereavement",
    "digital",
    "polish",
    "bangladeshi",
    "chairs",
)


@dataclass(frozen=True)
class Activity:
    name: str
    terms: tuple[str, ...]
    description: str
    groups: tuple[str, ...] = ()
    cost: str | None = None  # pounds per session; None = free
    referrals: bool = True
    min_age: int | None = 18
    max_age: int | None = None
    online: bool = False
    how: str = ""
    slots: tuple[tuple[str, str], ...] = ()


A = Activity
ACTIVITIES: dict[str, Activity] = {
    "conversation": A(
        "English conversation club",
        ("english_conversation", "social_group"),
        "Relaxed conversation practice in small groups with volunteer tutors. All levels welcome.",
        how="Just turn up. You do not need to book.",
    ),
    "esol": A(
        "ESOL for beginners",
        ("english_conversation", "adult_learning"),
        "A friendly beginners' English course: everyday words for shopping, the doctor and school.",
        how="Phone to book a place, or ask your link worker to refer you.",
    ),
    "sewing": A(
        "Sewing and chat",
        ("arts_crafts", "social_group"),
        "Learn to sew, mend and make, with machines and materials provided.",
    ),
    "coffee": A(
        "Coffee morning",
        ("social_group",),
        "Tea, coffee, cake and a good natter. Come on your own: someone will say hello.",
        referrals=False,
        slots=(("10:00", "12:00"),),
    ),
    "walk": A(
        "Health walk",
        ("walking_group",),
        "A gentle led walk of about an hour at an easy pace, finishing with a cuppa.",
        referrals=False,
        slots=(("10:00", "11:30"), ("13:30", "15:00")),
    ),
    "garden": A(
        "Community gardening",
        ("gardening", "volunteering"),
        "Grow fruit and vegetables, look after the wildlife area and take home what you grow.",
    ),
    "woodwork": A(
        "Woodwork and repairs",
        ("social_group", "volunteering"),
        "Make, mend and have a brew in a friendly workshop. Tools and safety kit provided.",
        cost="1.00",
    ),
    "chair": A(
        "Chair-based exercise",
        ("exercise_class", "condition_support"),
        "Gentle seated exercise to music to build strength and balance. Any fitness level.",
        groups=("over_55s",),
        cost="2.00",
        min_age=55,
        slots=(("10:00", "11:00"), ("14:00", "15:00")),
    ),
    "choir": A(
        "Sing for health choir",
        ("music_singing", "mental_wellbeing"),
        "No auditions and no need to read music: just come and sing.",
        cost="2.50",
    ),
    "art": A(
        "Art for wellbeing",
        ("arts_crafts", "mental_wellbeing"),
        "Drawing, painting and collage for beginners. Materials provided.",
    ),
    "debt": A(
        "Money and debt advice drop-in",
        ("money_advice",),
        "Free, confidential advice on debts, bills and budgeting from trained advisers.",
        how="Drop in, or phone to book an appointment. Bring any letters you have.",
    ),
    "benefits": A(
        "Benefits advice clinic",
        ("benefits_advice", "money_advice"),
        "Help to check what you are entitled to and to fill in forms, including appeals.",
        how="Phone to book an appointment.",
    ),
    "housing": A(
        "Housing advice drop-in",
        ("housing_advice",),
        "Advice on renting, repairs, eviction and homelessness.",
    ),
    "carers": A(
        "Carers' café",
        ("carers_support", "social_group"),
        "Time for yourself with other carers, with information about breaks and support.",
        groups=("carers",),
    ),
    "bereavement": A(
        "Bereavement support group",
        ("bereavement_support", "peer_support"),
        "A safe place to talk with others who have lost someone close.",
        how="Please phone first for a short chat before you come.",
    ),
    "befriending": A(
        "Telephone befriending",
        ("befriending",),
        "A weekly friendly phone call from the same trained volunteer.",
        online=True,
        how="Ask your link worker to refer you, or phone us.",
    ),
    "digital": A(
        "Digital help drop-in",
        ("digital_skills",),
        "Bring your phone, tablet or laptop and get help with email, video calls and online forms.",
        referrals=False,
    ),
    "jobs": A(
        "Job club",
        ("employment_support", "digital_skills"),
        "Help with CVs, applications and interview practice.",
    ),
    "foodbank": A(
        "Food bank",
        ("food_support",),
        "Emergency food parcels. We can also help with energy top-ups.",
        how="You need a food bank voucher: your link worker, GP or advice service can give you one.",
    ),
    "lunch": A(
        "Community lunch",
        ("food_support", "social_group"),
        "A hot two-course lunch and good company.",
        cost="3.00",
        slots=(("12:00", "13:30"),),
    ),
    "cooking": A(
        "Cook and eat",
        ("cooking", "weight_management"),
        "Learn to cook simple, healthy meals on a budget, then eat together.",
    ),
    "welcome": A(
        "Welcome drop-in for new arrivals",
        ("social_group", "legal_advice"),
        "Meet people, get help with letters and appointments and find English classes. "
        "Immigration questions are signposted to regulated advisers.",
        groups=("refugees_new_arrivals",),
        referrals=False,
    ),
    "mens": A(
        "Men's talking group",
        ("peer_support", "mental_wellbeing"),
        "A relaxed space for men to talk about whatever is on their minds.",
        groups=("men_only",),
    ),
    "womens": A(
        "Women's wellbeing group",
        ("mental_wellbeing", "social_group"),
        "Relaxation, crafts and conversation in a women-only space.",
        groups=("women_only",),
    ),
    "toddler": A(
        "Parent and toddler group",
        ("parenting_support", "social_group"),
        "Play, songs and a cuppa for parents and carers with children under five.",
        groups=("families",),
        min_age=None,
        cost="1.00",
    ),
    "youth": A(
        "Youth club",
        ("social_group", "sport"),
        "Games, sport, cooking and trips for young people aged 11 to 18.",
        groups=("young_people",),
        min_age=11,
        max_age=18,
        slots=(("18:00", "20:00"),),
    ),
    "memory": A(
        "Memory café",
        ("social_group", "condition_support"),
        "A welcoming café for people living with dementia and those who care for them.",
        groups=("people_living_with_dementia", "carers"),
    ),
    "recovery": A(
        "Recovery café",
        ("substance_use_support", "peer_support"),
        "Peer support for people in recovery from alcohol or drugs, and their families.",
        groups=("people_in_recovery",),
        slots=(("18:00", "20:00"),),
    ),
    "lgbtq": A(
        "LGBTQ+ social",
        ("social_group", "peer_support"),
        "A friendly social evening for LGBTQ+ adults.",
        groups=("lgbtq",),
        slots=(("18:30", "20:30"),),
    ),
    "veterans": A(
        "Veterans' breakfast club",
        ("social_group", "peer_support"),
        "Breakfast and banter for veterans and their families.",
        groups=("veterans",),
        cost="4.00",
        slots=(("09:00", "11:00"),),
    ),
    "condition": A(
        "Living well with a long-term condition",
        ("condition_support", "adult_learning"),
        "A six-week course on managing pain, tiredness and low mood.",
    ),
    "weight": A(
        "Healthy weight group",
        ("weight_management", "cooking"),
        "Friendly support to eat well and move more, with a weekly weigh-in if you want one.",
    ),
    "football": A(
        "Walking football",
        ("sport", "exercise_class"),
        "Football without running. Gentle, sociable and great for balance.",
        groups=("over_55s",),
        cost="2.50",
        min_age=50,
    ),
    "knit": A(
        "Knit and natter",
        ("arts_crafts", "social_group"),
        "Bring your knitting or crochet, or learn with us. Wool and needles to borrow.",
        referrals=False,
    ),
    "reading": A(
        "Reading group",
        ("social_group", "adult_learning"),
        "We read a book a month and meet to talk about it. Books are lent free.",
        referrals=False,
    ),
    "mindfulness": A(
        "Mindfulness for beginners",
        ("mental_wellbeing",),
        "Simple breathing and relaxation practice to help with stress and sleep.",
    ),
    "freedom": A(
        "Freedom programme",
        ("domestic_abuse_support",),
        "A confidential course for women who have experienced domestic abuse.",
        groups=("women_only",),
        how="Please phone first: we will talk to you privately about the course.",
    ),
    "volunteer": A(
        "Volunteering taster",
        ("volunteering", "employment_support"),
        "Try volunteering alongside others: gardening, cafés, shops and events.",
    ),
    "photo": A(
        "Photography walk",
        ("arts_crafts", "walking_group"),
        "Explore the city with a camera or phone and learn a few tricks.",
        referrals=False,
    ),
}

# What each of the demo's community organisations runs.
VCSE_ACTIVITIES: dict[str, tuple[str, ...]] = {
    "garden": ("garden", "garden", "cooking", "volunteer", "mindfulness"),
    "stitch": ("sewing", "conversation", "esol", "womens"),
    "shed": ("woodwork", "woodwork", "mens", "volunteer"),
    "walkers": ("walk", "walk", "walk", "photo"),
    "welcome": ("welcome", "conversation", "esol", "lunch"),
    "debt": ("debt", "debt", "benefits", "housing"),
    "carers": ("carers", "carers", "memory", "mindfulness"),
    "foodbank": ("foodbank", "foodbank", "lunch", "cooking"),
    "arts": ("art", "choir", "photo", "knit"),
    "befriending": ("befriending", "coffee", "coffee", "lunch"),
    "bereavement": ("bereavement", "bereavement", "coffee"),
    "digital": ("digital", "digital", "jobs"),
    "polish": ("coffee", "toddler", "conversation", "choir"),
    "bangladeshi": ("womens", "cooking", "sewing", "esol"),
    "chairs": ("chair", "chair", "chair", "football"),
}
VCSE_LANGUAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "polish": (("pl", "Polish", "All our volunteers speak Polish"),),
    "bangladeshi": (("bn", "Bengali", ""), ("syl", "Sylheti", "")),
    "welcome": (
        ("ar", "Arabic", "Volunteer on most weeks"),
        ("fa", "Farsi (Persian)", "Volunteer some weeks"),
        ("ku", "Kurdish (Kurmanji)", ""),
    ),
    "stitch": (("ar", "Arabic", "A volunteer speaks Arabic"),),
}

# Twenty-five more fictional groups: name, home district, activities.
OTHER_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "Pennywell Community Centre Association",
        "SR4",
        ("coffee", "lunch", "youth", "toddler", "jobs"),
    ),
    ("Ford and Pallion Residents' Group", "SR4", ("coffee", "knit", "walk")),
    ("Millfield Community Hub", "SR4", ("conversation", "digital", "cooking", "art", "weight")),
    ("Hylton Castle Tenants' Association", "SR5", ("coffee", "lunch", "knit", "reading")),
    ("Sunderland Memory Café Network", "SR2", ("memory", "memory", "memory", "choir")),
    ("Wearside Recovery Café", "SR1", ("recovery", "recovery", "mindfulness", "volunteer")),
    ("Ryhope Village Community Association", "SR2", ("coffee", "walk", "chair", "toddler")),
    ("Washington Over-55s Forum", "NE38", ("coffee", "chair", "football", "reading")),
    ("Fulwell Wellbeing Collective", "SR6", ("mindfulness", "art", "womens", "mens")),
    ("Castletown Youth Project", "SR5", ("youth", "youth", "jobs", "volunteer")),
    ("Sunderland LGBTQ+ Social", "SR1", ("lgbtq", "lgbtq", "walk")),
    ("Wearside Veterans' Breakfast Club", "SR1", ("veterans", "veterans", "walk")),
    ("Houghton Hillside Walkers", "DH4", ("walk", "walk", "photo")),
    ("Southwick Sing for Health", "SR5", ("choir", "choir", "coffee")),
    ("Grindon Parent and Toddler Group", "SR4", ("toddler", "toddler", "cooking")),
    ("Hetton Heritage Crafts", "DH5", ("knit", "sewing", "art")),
    ("Doxford Park Readers", "SR3", ("reading", "reading", "coffee")),
    ("Sunderland Women's Freedom Project", "SR1", ("freedom", "freedom", "womens")),
    ("Springwell Allotment Society", "SR3", ("garden", "garden", "cooking")),
    ("Roker and Seaburn Community Trust", "SR6", ("conversation", "lunch", "condition", "weight")),
    ("Friends of Barnes Park", "SR4", ("walk", "garden", "photo")),
    ("Sunderland African Women's Network", "SR1", ("womens", "cooking", "conversation")),
    ("Sunderland Stroke and Heart Club", "SR3", ("condition", "chair", "coffee")),
    ("Hendon Community Boxing and Fitness", "SR2", ("youth", "weight", "mens")),
    ("Town End Farm Community Partnership", "SR5", ("coffee", "jobs", "digital", "lunch")),
]

DAYS = ("MO", "TU", "WE", "TH", "FR")
SLOTS = (("10:00", "12:00"), ("13:30", "15:30"), ("09:30", "11:00"), ("18:00", "20:00"))
EXTRA_LANGUAGES = (
    ("ar", "Arabic", "A volunteer speaks Arabic"),
    ("pl", "Polish", "A volunteer speaks Polish"),
    ("ro", "Romanian", ""),
    ("ur", "Urdu", "A volunteer speaks Urdu some weeks"),
    ("bfi", "British Sign Language", "BSL interpreter if you ask a week ahead"),
)
CENTRE_NAMES = (
    "Community Centre",
    "Church Hall",
    "Community Hub",
    "Neighbourhood Centre",
    "Methodist Hall",
    "Youth and Community Centre",
)


@dataclass
class Venue:
    name: str
    address_1: str
    city: str
    postcode: str
    accessibility: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "address_1": self.address_1,
            "city": self.city,
            "postcode": self.postcode,
            "accessibility": self.accessibility,
        }


def sunderland_libraries() -> list[Venue]:
    """The open Sunderland City Council libraries (real venues)."""
    text = (
        files("linkwell.directory")
        .joinpath("data/libraries_sunderland_area.csv")
        .read_text(encoding="utf-8")
    )
    venues = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["Local authority"] != "Sunderland City Council" or row["Year closed"]:
            continue
        if not row["Postcode"]:
            continue
        name = row["Library name"]
        venues.append(
            Venue(
                name=name if name.endswith("Library") else f"{name} Library",
                address_1=row["Address 1"],
                city=row["Address 2"] or "Sunderland",
                postcode=row["Postcode"],
                accessibility=["step_free", "accessible_toilet", "hearing_loop", "bus_route"],
            )
        )
    return venues


def _invented_venue(rng: random.Random, district: str, group: str, postcodes: list[str]) -> Venue:
    in_district = [p for p in postcodes if p.startswith(district + " ")]
    postcode = rng.choice(in_district) if in_district else rng.choice(postcodes)
    place = group.split(" ")[0]
    features = ["step_free", "accessible_toilet", "parking", "quiet_space", "bus_route"]
    return Venue(
        name=f"{place} {rng.choice(CENTRE_NAMES)}",
        address_1=f"{rng.randint(1, 120)} {rng.choice(('Front', 'High', 'Station', 'Church', 'Park'))} Street",
        city="Washington" if district.startswith("NE") else "Sunderland",
        postcode=postcode,
        accessibility=sorted(rng.sample(features, rng.randint(1, 4))),
    )


def _listing(
    activity: Activity,
    *,
    rng: random.Random,
    org_name: str,
    venue: Venue | None,
    languages: list[tuple[str, str, str]],
    name: str | None = None,
) -> dict:
    start, end = rng.choice(activity.slots or SLOTS)
    day = rng.choice(DAYS)
    costs = (
        [{"option": "Free", "amount": "0", "amount_description": ""}]
        if activity.cost is None
        else [{"option": "Per session", "amount": activity.cost, "amount_description": ""}]
    )
    return {
        "name": name or activity.name,
        "description": activity.description,
        "status": "active",
        "eligibility_description": "",
        "application_process": activity.how
        or (
            "Just turn up." if not activity.referrals else "Just turn up, or ask your link worker."
        ),
        "accepts_referrals": activity.referrals,
        "places_per_session": rng.choice((8, 10, 12, 15, 20, 25)),
        "minimum_age": activity.min_age,
        "maximum_age": activity.max_age,
        "target_groups": list(activity.groups),
        "taxonomy_terms": [str(taxonomy_term_uuid(t)) for t in activity.terms],
        "languages": [{"code": "en", "name": "English", "note": ""}]
        + [{"code": c, "name": n, "note": note} for c, n, note in languages],
        "cost_options": costs,
        "fees_description": ""
        if activity.cost is None
        else "Pay on the day. Ask if cost is a problem.",
        "schedules": []
        if activity.online
        else [{"freq": "WEEKLY", "byday": day, "opens_at": start, "closes_at": end}],
        "locations": [] if activity.online or venue is None else [venue.as_data()],
        "phones": [{"number": f"0191 498 {rng.randint(0, 999):04d}"}],
        "email": f"hello@{''.join(ch for ch in org_name.lower() if ch.isalnum())[:20]}.example.org",
    }


def _verified_at(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    roll = rng.random()
    if roll < 0.78:
        days = rng.randint(0, 150)
    elif roll < 0.92:
        days = rng.randint(190, 340)  # "not checked recently"
    else:
        days = rng.randint(380, 540)  # hidden from matching
    return now - datetime.timedelta(days=days, hours=rng.randint(0, 23))


def load_directory_demo(
    rng: random.Random,
    organisations: dict,
    *,
    now: datetime.datetime | None = None,
) -> list[Service]:
    """Create the demo directory. `organisations` maps the main demo's keys to Linkwell
    Organisations (the fifteen VCSE keys are used; others are ignored)."""
    rng = random.Random(rng.random())  # independent of how much the caller used its rng
    now = now or timezone.now()
    postcodes = sample_live_postcodes()
    libraries = sunderland_libraries()
    library = {v.name: v for v in libraries}
    created: list[Service] = []

    def add(org, data, *, verified=None, publish=True):
        service = services.service_create(
            actor=None,
            organization=org,
            data=data,
            publish=publish,
            verified_at=verified or _verified_at(rng, now),
        )
        created.append(service)
        return service

    directory_orgs: dict[str, Organization] = {}
    for key in VCSE_KEYS:
        if key not in organisations:
            continue
        linkwell_org = organisations[key]
        directory_orgs[key] = Organization.objects.create(
            name=linkwell_org.name,
            description=f"{linkwell_org.name} is a community organisation in Sunderland.",
            email=linkwell_org.email,
            organisation=linkwell_org,
        )

    # The listing from the issue, and near misses that a careless search would also return.
    if "stitch" in directory_orgs:
        stitch = directory_orgs["stitch"]
        kayll = library.get("Kayll Road Library")
        target = _listing(
            ACTIVITIES["conversation"],
            rng=rng,
            org_name=stitch.name,
            venue=kayll,
            languages=[("bn", "Bengali", "A volunteer speaks Bengali")],
            name=TARGET_NAME,
        )
        target.update(
            description=(
                "A friendly women-only group to practise speaking English over tea, with "
                "volunteer tutors. All levels welcome, including complete beginners."
            ),
            target_groups=["women_only", "refugees_new_arrivals"],
            schedules=[
                {"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}
            ],
            culturally_specific_notes=(
                "Women-only room with female volunteers. Children under five welcome."
            ),
            application_process="Just turn up, or ask your link worker to refer you.",
        )
        add(stitch, target, verified=now - datetime.timedelta(days=12))
        evening = dict(target, name="English Conversation for Women (evenings)")
        evening["schedules"] = [
            {"freq": "WEEKLY", "byday": "TU", "opens_at": "18:00", "closes_at": "20:00"}
        ]
        evening["locations"] = (
            [library["City Library"].as_data()] if "City Library" in library else []
        )
        add(stitch, evening, verified=now - datetime.timedelta(days=30))
    if "welcome" in directory_orgs and "Washington Town Centre Library" in library:
        far = _listing(
            ACTIVITIES["conversation"],
            rng=rng,
            org_name="welcome",
            venue=library["Washington Town Centre Library"],
            languages=[("bn", "Bengali", "Volunteer speaks Bengali")],
            name="Women's English Conversation (Washington)",
        )
        far.update(
            target_groups=["women_only"],
            schedules=[
                {"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}
            ],
        )
        add(directory_orgs["welcome"], far, verified=now - datetime.timedelta(days=40))

    def place_for(district: str, group_name: str) -> Venue:
        if rng.random() < 0.4:
            return rng.choice(libraries)
        return _invented_venue(rng, district, group_name, postcodes)

    org_districts = {
        "garden": "SR2", "stitch": "SR4", "shed": "SR4", "walkers": "SR6", "welcome": "SR1",
        "debt": "SR1", "carers": "SR1", "foodbank": "SR5", "arts": "SR1", "befriending": "SR3",
        "bereavement": "SR3", "digital": "SR1", "polish": "SR4", "bangladeshi": "SR2",
        "chairs": "SR3",
    }  # fmt: skip
    for key, org in directory_orgs.items():
        home = place_for(org_districts[key], org.name)
        if key == "digital":
            home = library.get("City Library", home)
        if key == "bangladeshi":
            home = library.get("Hendon Library", home)
        for i, activity_key in enumerate(VCSE_ACTIVITIES[key]):
            activity = ACTIVITIES[activity_key]
            venue = home if i == 0 else place_for(org_districts[key], org.name)
            langs = list(VCSE_LANGUAGES.get(key, ()))
            if not langs and rng.random() < 0.15:
                langs = [rng.choice(EXTRA_LANGUAGES)]
            name = activity.name if i == 0 else f"{activity.name} – {venue.name}"
            if key == "bangladeshi" and activity_key == "womens":
                name = "Bangladeshi women's coffee morning"
            add(
                org,
                _listing(
                    activity, rng=rng, org_name=org.name, venue=venue, languages=langs, name=name
                ),
            )

    for group_name, district, activity_keys in OTHER_GROUPS:
        org = Organization.objects.create(
            name=group_name, description=f"{group_name}: a community group in Sunderland."
        )
        home = place_for(district, group_name)
        for i, activity_key in enumerate(activity_keys):
            activity = ACTIVITIES[activity_key]
            venue = home if i < 2 else place_for(district, group_name)
            langs = [rng.choice(EXTRA_LANGUAGES)] if rng.random() < 0.15 else []
            name = activity.name if i == 0 else f"{activity.name} at {venue.name}"
            add(
                org,
                _listing(
                    activity, rng=rng, org_name=group_name, venue=venue, languages=langs, name=name
                ),
            )

    # Work in progress for the demo's provider (Hendon Dene Community Garden) and the editor.
    if "garden" in directory_orgs:
        garden = directory_orgs["garden"]
        draft = _listing(
            ACTIVITIES["walk"], rng=rng, org_name=garden.name, venue=None, languages=[]
        )
        draft["name"] = "Dene wildlife walk (draft)"
        add(garden, draft, publish=False)
        garden_services = [s for s in created if s.organization_id == garden.pk]
        stale = garden_services[1]
        stale.last_verified_at = now - datetime.timedelta(days=220)
        stale.save(update_fields=["last_verified_at"])
        from linkwell.accounts.models import Membership, Role

        provider = (
            Membership.objects.filter(organisation=garden.organisation, role=Role.PROVIDER)
            .select_related("user")
            .first()
        )
        if provider is not None:
            first = garden_services[0]
            data = services.service_snapshot(first)
            data["description"] += " New this year: a wheelchair-accessible raised bed."
            services.service_update(
                actor=provider.user, service=first, data=data, comment="Added the new raised bed"
            )
        ListingReport.objects.create(
            service=garden_services[0],
            problem=ListingReport.Problem.WRONG_TIME,
            details="The gate was locked at the advertised start time last week.",
        )
    return created
