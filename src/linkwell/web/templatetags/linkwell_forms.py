"""Template tags that render Django forms with NHS.UK design system markup.

    {% load linkwell_forms %}
    {% include "includes/forms/error_summary.html" %}     {# expects `form` #}
    {% nhs_field form.email label_class="nhsuk-label--m" input_class="nhsuk-input--width-30" %}
    {% nhs_field form.reason page_heading=True label_class="nhsuk-label--l" %}

Options for ``nhs_field`` (all optional):

``label_class``   size class for the label, e.g. "nhsuk-label--m". For radios,
                  checkboxes and dates it becomes the matching legend class.
``legend_class``  legend class, if it should differ, e.g. "nhsuk-fieldset__legend--l".
``input_class``   extra classes on the input, textarea or select (widths).
``hint_override`` hint text to use instead of the field's help_text.
``label_override`` label (or legend) text to use instead of the field's label.
``page_heading``  wrap the label or legend in the page's <h1>.
``textarea_rows`` textarea rows (default 5).

Radios and checkboxes: set ``widget.attrs["inline"] = True`` (or ``"small"``)
for the inline (or small) variants, and give the form field a ``choice_hints``
dict (choice value -> hint text) for per-choice hints.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.http import QueryDict
from django.utils import translation

register = template.Library()

# Widget attributes copied onto hand-written inputs. Everything else (class,
# required, inline, small...) is decided here so the NHS.UK markup stays exact.
_PASS_ATTRS = frozenset(
    {
        "autocomplete",
        "autocapitalize",
        "autocorrect",
        "dir",
        "inputmode",
        "lang",
        "max",
        "maxlength",
        "min",
        "minlength",
        "pattern",
        "placeholder",
        "readonly",
        "spellcheck",
        "step",
        "accept",
    }
)
_PASS_PREFIXES = ("data-", "hx-", "aria-")
_BLANK_CHOICE_LABEL = "---------"
_DJANGO_TEXTAREA_ROWS = "10"


def _widget_kind(widget: forms.Widget) -> str:
    if getattr(widget, "is_nhs_date", False):
        return "date"
    if isinstance(widget, forms.MultipleHiddenInput):
        return "other_hidden"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, Input):
        return "input"
    return "other"


def _require_bound_field(field) -> BoundField:
    if not isinstance(field, BoundField):
        raise template.TemplateSyntaxError(
            f"nhs_field needs a bound form field (form.<name>), not {field!r}"
        )
    return field


def _field_id(bf: BoundField) -> str:
    return bf.field.widget.attrs.get("id") or bf.auto_id or bf.html_name


def _choices(bf: BoundField) -> list:
    """The radios or checkboxes to show, without Django's "---------" blank choice."""
    return [choice for choice in bf.subwidgets if str(choice.data["label"]) != _BLANK_CHOICE_LABEL]


def _join(*ids: str) -> str:
    return " ".join(i for i in ids if i)


def _error_parts(bf: BoundField) -> set[str]:
    """Which date boxes an NHSDateField error is about (all three when unsaid)."""
    parts: set[str] = set()
    for error in bf.errors.as_data():
        params = error.params if isinstance(error.params, Mapping) else {}
        parts.update(params.get("parts") or ("day", "month", "year"))
    return parts


def _attrs(widget: forms.Widget, *, exclude: tuple[str, ...] = ()) -> list[tuple[str, object]]:
    attrs = []
    for name, value in widget.attrs.items():
        if name in exclude or value is None or value is False:
            continue
        if name in _PASS_ATTRS or name.startswith(_PASS_PREFIXES):
            if name == "aria-describedby":
                continue
            attrs.append((name, value))
    return attrs


def _widget_value(bf: BoundField):
    widget = bf.field.widget
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        return None
    if isinstance(widget, forms.FileInput):
        return None
    return widget.format_value(bf.value())


@register.simple_tag
def nhs_field_context(
    field,
    hint_override=None,
    label_class="",
    legend_class="",
    input_class="",
    page_heading=False,
    label=None,
    rows=None,
):
    """Work out ids, classes and aria-describedby for one field; used by field.html."""
    bf = _require_bound_field(field)
    widget = bf.field.widget
    kind = _widget_kind(widget)
    field_id = _field_id(bf)
    hint = hint_override or bf.help_text or ""
    errors = list(bf.errors)
    hint_id = f"{field_id}-hint" if hint else ""
    error_id = f"{field_id}-error" if errors else ""
    if label_class and not legend_class:
        legend_class = label_class.replace("nhsuk-label--", "nhsuk-fieldset__legend--")

    f = {
        "kind": kind,
        "id": field_id,
        "name": bf.html_name,
        "label": bf.label if label in (None, "") else label,
        "label_class": label_class or "",
        "legend_class": legend_class or "",
        "input_class": input_class or "",
        "page_heading": bool(page_heading),
        "hint": hint,
        "hint_id": hint_id,
        "errors": errors,
        "error_id": error_id,
        "describedby": _join(hint_id, error_id),
        "disabled": bf.field.disabled,
        "inline": bool(widget.attrs.get("inline")),
        "small": bool(widget.attrs.get("small")),
    }

    if kind == "input":
        f["input_type"] = widget.input_type
        f["value"] = _widget_value(bf)
        f["attrs"] = _attrs(widget)
    elif kind == "hidden":
        f["value"] = _widget_value(bf)
    elif kind == "textarea":
        f["value"] = _widget_value(bf) or ""
        widget_rows = str(widget.attrs.get("rows", _DJANGO_TEXTAREA_ROWS))
        f["rows"] = rows or (widget_rows if widget_rows != _DJANGO_TEXTAREA_ROWS else 5)
        # NHS.UK character count instead of a hard maxlength that silently truncates.
        max_length = getattr(bf.field, "max_length", None)
        f["maxlength"] = max_length
        f["count_id"] = f"{field_id}-info" if max_length else ""
        f["describedby"] = _join(f["count_id"], hint_id, error_id)
        f["attrs"] = _attrs(widget, exclude=("maxlength", "minlength"))
    elif kind == "select":
        f["multiple"] = bool(getattr(widget, "allow_multiple_selected", False))
        f["options"] = list(bf.subwidgets)
        f["attrs"] = _attrs(widget, exclude=("maxlength", "minlength", "placeholder"))
    elif kind in ("radios", "checkboxes"):
        f["choices"] = _choices(bf)
    elif kind == "checkbox":
        f["checked"] = widget.check_test(bf.value())
        f["item_hint_id"] = f"{field_id}-item-hint" if hint else ""
        f["describedby"] = _join(error_id, f["item_hint_id"])
    elif kind == "date":
        error_parts = _error_parts(bf) if errors else set()
        context = widget.get_context(bf.html_name, bf.value(), {"id": field_id})
        f["date_parts"] = [
            {
                "part": sub["part"],
                "label": sub["label"],
                "id": sub["attrs"].get("id", f"{field_id}_{sub['part']}"),
                "name": sub["name"],
                "value": sub["value"] or "",
                "width": sub["width"],
                "autocomplete": sub["attrs"].get("autocomplete", ""),
                "error": sub["part"] in error_parts,
            }
            for sub in context["widget"]["subwidgets"]
        ]
    return f


@register.inclusion_tag("includes/forms/field.html")
def nhs_field(field, **options):
    """Render one bound field as the matching NHS.UK component (see module docstring)."""
    _require_bound_field(field)
    allowed = {
        "hint_override",
        "label_class",
        "legend_class",
        "input_class",
        "page_heading",
        "label_override",
        "textarea_rows",
    }
    unknown = set(options) - allowed
    if unknown:
        raise template.TemplateSyntaxError(
            f"nhs_field got unknown option(s): {', '.join(sorted(unknown))}"
        )
    return {"field": field, **options}


@register.filter
def nhs_error_anchor(field) -> str:
    """The id the error summary links to: the first input of the field."""
    bf = _require_bound_field(field)
    kind = _widget_kind(bf.field.widget)
    field_id = _field_id(bf)
    if kind in ("radios", "checkboxes"):
        choices = _choices(bf)
        if choices and choices[0].id_for_label:
            return choices[0].id_for_label
        return f"{field_id}_0"
    if kind == "date":
        return bf.field.widget.id_for_label(field_id)
    return bf.id_for_label or field_id


@register.simple_tag
def nhs_error_items(*forms_or_lists):
    """Error summary entries [{text, href}] for one or more forms (or lists of forms).

    Non-field errors come first, then field errors in field order. Errors on
    hidden fields have no link, since there is nothing to move focus to.
    """
    forms_to_check = []
    for item in forms_or_lists:
        if not item:
            continue
        if isinstance(item, (forms.BaseForm, forms.BaseFormSet)):
            forms_to_check.append(item)
        elif isinstance(item, (list, tuple)):
            forms_to_check.extend(form for form in item if form)

    items = []
    for form in forms_to_check:
        if isinstance(form, forms.BaseFormSet):
            items.extend({"text": error, "href": ""} for error in form.non_form_errors())
            for sub in form.forms:
                items.extend(nhs_error_items(sub))
            continue
        items.extend({"text": error, "href": ""} for error in form.non_field_errors())
        for bf in form:
            for error in bf.errors:
                href = "" if bf.is_hidden else "#" + nhs_error_anchor(bf)
                items.append({"text": error, "href": href})
    return items


@register.filter
def get_item(mapping, key):
    """``{{ mydict|get_item:key }}``: dictionary lookup with a variable key."""
    if not mapping:
        return ""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        pass
    if isinstance(mapping, Mapping):
        wanted = str(key)
        for candidate, value in mapping.items():
            if str(candidate) == wanted:
                return value
    return ""


@register.filter
def choice_hint(field, value) -> str:
    """The hint for one radio or checkbox, from the form field's ``choice_hints`` dict."""
    if isinstance(field, BoundField):
        field = field.field
    hints = getattr(field, "choice_hints", None)
    if not hints:
        return ""
    value = getattr(value, "value", value)  # ModelChoiceIteratorValue
    return get_item(hints, value)


def _page_href(query: QueryDict, param: str, number: int, path: str) -> str:
    query = query.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    encoded = query.urlencode()
    if encoded:
        return f"?{encoded}"
    return path or "?"


@register.simple_tag(takes_context=True)
def nhs_pagination(context, page_obj, param="page"):
    """Links for NHS.UK pagination, keeping the rest of the query string."""
    request = context.get("request")
    query = request.GET if request is not None else QueryDict()
    path = request.path if request is not None else ""
    paginator = page_obj.paginator
    items = []
    for number in paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": _page_href(query, param, number, path),
                    "current": number == page_obj.number,
                }
            )
    previous_href = next_href = ""
    if page_obj.has_previous():
        previous_href = _page_href(query, param, page_obj.previous_page_number(), path)
    if page_obj.has_next():
        next_href = _page_href(query, param, page_obj.next_page_number(), path)
    return {"items": items, "previous_href": previous_href, "next_href": next_href}


@register.simple_tag
def linkwell_languages():
    """The languages in settings.LANGUAGES with their own names and direction.

    Like ``{% get_language_info_list for LANGUAGES %}`` but does not fail for a
    language Django has no information about (Somali, for example): the name
    from settings.LANGUAGES is used instead.
    """
    bidi_codes = set(getattr(settings, "LANGUAGES_BIDI", ()))
    languages = []
    for code, name in settings.LANGUAGES:
        try:
            name_local = translation.get_language_info(code)["name_local"]
        except KeyError:
            name_local = str(name)
        languages.append(
            {
                "code": code,
                "name_local": name_local,
                "bidi": code.split("-")[0] in bidi_codes,
            }
        )
    return languages
