"""{% case_concerns case as concerns %}: concerns about the person on a case, for the case
page's panel (templates/groups/care/_case_concerns.html). The case page has already checked
that the user may read the case; the concerns are scoped again and the read is audited."""

from django import template

from linkwell.groups.concerns import case_concerns as _case_concerns

register = template.Library()


@register.simple_tag(takes_context=True)
def case_concerns(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    if case is None or user is None:
        return []
    return _case_concerns(user, case)
