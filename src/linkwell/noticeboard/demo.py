"""A dozen demo noticeboard posts with replies between demo facilitators, link workers and GP
practice staff. Nothing about any person. Deterministic for `now`."""

from __future__ import annotations

import datetime

from django.utils import timezone

from linkwell.accounts.models import User

from .models import Post, Reply
from .selectors import posting_organisation

# (author, topic, area, title, body, [(replier, reply), ...]) - days ago from the newest.
POSTS = [
    (
        "provider@example.org",
        "new_group",
        "SR2",
        "New women's gardening and English group, Tuesday mornings",
        "We've started a second Tuesday group at the community garden, 10 till 12. "
        "Beginners welcome, tea and a crèche. Step-free access. Refer through Linkwell.",
        [
            ("linkworker@example.org", "Brilliant - a few of my people have asked for this."),
            ("referrer@example.org", "Can patients self-refer, or does it need a link worker?"),
            ("provider@example.org", "Either is fine. Self-referral via the directory listing."),
        ],
    ),
    (
        "lead@example.org",
        "events",
        "",
        "Link worker and facilitator get-together, last Thursday of the month",
        "Informal catch-up at the Winter Gardens café, 2pm. Come and meet the team, bring "
        "leaflets, tell us what's working and what isn't.",
        [
            ("provider@example.org", "We'll be there with the garden leaflets."),
            ("linkworker2@example.org", "Count me in."),
        ],
    ),
    (
        "linkworker2@example.org",
        "ask_for_help",
        "SR1",
        "Anyone running Bengali or Sylheti-speaking groups?",
        "Looking for a craft or walking group with Bengali or Sylheti speakers in the city "
        "centre. Any leads appreciated.",
        [
            ("provider@example.org", "Not us, but the Bangladeshi Centre runs a Wednesday lunch."),
            ("referrer2@example.org", "Our practice has a Sylheti-speaking health advocate too."),
        ],
    ),
    (
        "provider@example.org",
        "shared_materials",
        "",
        "Easy-read session timetable in five languages",
        "We've translated our timetable into Arabic, Polish, Ukrainian, Kurdish Sorani and "
        "Romanian. Happy to share the files - ask by reply.",
        [("linkworker3@example.org", "Yes please - the Polish one especially.")],
    ),
    (
        "referrer@example.org",
        "ask_for_help",
        "SR4",
        "Bereavement support groups near Millfield?",
        "We're seeing more requests for bereavement support. Which groups have places now?",
        [
            ("linkworker@example.org", "Cruse runs a drop-in on Mondays; I'll send details."),
            ("lead@example.org", "We'll add this to the next team meeting agenda too."),
        ],
    ),
    (
        "linkworker3@example.org",
        "events",
        "SR5",
        "Southwick community fun day - stall space free",
        "Free stalls for groups at the Southwick fun day on the 14th. Good way to meet "
        "families. Reply if you want a table.",
        [("provider@example.org", "We'd like a table, thank you.")],
    ),
    (
        "provider@example.org",
        "ask_for_help",
        "",
        "Volunteers with first aid training?",
        "We're short of a first-aider on Thursday afternoons. Does anyone know a volunteer "
        "centre that could help?",
        [("linkworker4@example.org", "Sunderland Volunteer Centre has a first aid list.")],
    ),
    (
        "linkworker@example.org",
        "other",
        "",
        "Reminder: check listings before referring",
        "A few groups have changed times over the summer. Please check the listing is marked "
        "as recently checked before you refer on.",
        [("provider@example.org", "Ours are all up to date as of this week.")],
    ),
    (
        "referrer3@example.org",
        "shared_materials",
        "SR3",
        "Leaflet: what social prescribing is, for patients",
        "Our practice made a one-page leaflet explaining social prescribing in plain English. "
        "Happy to share the file.",
        [
            ("lead@example.org", "Could we use it for the whole service? Credit to you."),
            ("referrer3@example.org", "Of course - I'll send it over."),
        ],
    ),
    (
        "linkworker4@example.org",
        "new_group",
        "SR6",
        "Men's shed opening in Roker",
        "A new men's shed opens next month in Roker: woodwork, repairs, tea. Referrals "
        "through the directory once it's listed.",
        [("referrer4@example.org", "Great news - lots of interest from our practice.")],
    ),
    (
        "provider@example.org",
        "events",
        "SR2",
        "Harvest lunch at the garden",
        "Everyone who's been part of the garden this year is invited to a harvest lunch. "
        "Link workers welcome to join.",
        [],
    ),
    (
        "lead@example.org",
        "other",
        "",
        "How are waitlists working for you?",
        "Facilitators: is the waitlist and place offer working? Any problems, reply here and "
        "we'll pass them on.",
        [
            ("provider@example.org", "Working well - offers reach the link worker quickly."),
            ("linkworker@example.org", "Agreed. The alert email is helpful."),
        ],
    ),
]


def load_noticeboard_demo(*, now: datetime.datetime | None = None) -> int:
    """Returns the number of posts made (skipping authors missing from the demo cast)."""
    now = now or timezone.now()
    users = {u.email: u for u in User.objects.filter(is_active=True)}
    orgs: dict[str, object] = {}

    def org_of(email):
        if email not in orgs:
            orgs[email] = posting_organisation(users[email])
        return orgs[email]

    made = 0
    for i, (author, topic, area, title, body, replies) in enumerate(POSTS):
        if author not in users:
            continue
        at = now - datetime.timedelta(days=3 * i + 1, hours=(5 * i) % 9)
        post = Post.objects.create(
            author=users[author],
            author_organisation=org_of(author),
            topic=topic,
            area=area,
            title=title,
            body=body,
            created_at=at,
        )
        for n, (replier, text) in enumerate(replies, start=1):
            if replier not in users:
                continue
            Reply.objects.create(
                post=post,
                author=users[replier],
                author_organisation=org_of(replier),
                body=text,
                created_at=at + datetime.timedelta(hours=3 * n),
            )
        made += 1
    return made
