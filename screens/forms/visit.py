"""F6 visitor registration (访客登记): a category key, the fields that category asks, the host's
consent with a countdown, and the pass with its QR.

The keys a guard presses, in order: the category (1-9), then each field and Enter. A phone number
that visited before fills the form from the last visit. Enter on the last required field goes to the
consent step: Y the host agrees, N refuses, Tab the next channel, O admit alone with a reason. Each
channel waits ``visits.consent_wait_s`` (a countdown on the form), then the next one is asked. The
decision is the core's (``visits.register``): the form only collects what was typed and said. Every
look-up and the registration run in workers; the feed and its alarms go on behind the form.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from guardpost import validate, visits
from guardpost.booth import Booth
from guardpost.domain import ConsentChannel, ConsentOutcome, Decision, LockdownLevel, VisitCategory
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.people_index import HostMatch
from guardpost.policy.visits import may_override, needs_consent, needs_temperature
from guardpost.qr import half_blocks
from guardpost.text import printable

from .. import keys
from ..live import showing, tell
from ..widgets.keybar import KeyBar
from ..widgets.text import Plain, SafeInput, plain

CATEGORIES = list(VisitCategory)
TEMPERATURE = "temperature"
# The order fields are asked in: what finds a returning visitor first, then who, then where.
ORDER = (visits.PHONE, visits.NAME, visits.COMPANY, visits.UNIT, visits.PLATE, visits.ID, visits.NOTE)
PARCEL_ORDER = (visits.COMPANY, visits.PHONE, visits.UNIT)


def host_line(m: HostMatch) -> str:
    names = "、".join(printable(n) for n in m.residents) or "-"
    return f"{m.unit}  {names}"


class VisitScreen(ModalScreen[visits.VisitResult | None]):
    AUTO_FOCUS = None  # the form moves the focus itself (see on_mount)
    BINDINGS = [
        *keys.bindings(keys.VISIT_KEYS, only=("cancel", "dangerous_goods", "change_category")),
        Binding("tab", "tab", show=False, priority=True),  # the next channel while asking the host
    ]

    def __init__(self, booth: Booth, level: LockdownLevel) -> None:
        super().__init__()
        self.booth = booth
        self.level = level
        self.settings = booth.settings.visits
        self.category: VisitCategory | None = None
        self.step = "category"  # category | fields | consent | override | saving | done
        self.steps: list[visits.ConsentStep] = []
        self.channels: list[ConsentChannel] = [ConsentChannel(c) for c in self.settings.consent_channels]
        self.channel_at = 0
        self.seconds_left = 0
        self.dangerous_goods = False
        self.hosts: list[HostMatch] = []
        self.hosts_for = ""  # the text the shown completions answer
        self._keep: dict[str, str] = {}  # typed before F6 changed the category
        self.result: visits.VisitResult | None = None
        self._ticker: Timer | None = None

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="visit-box", classes="box"):
            yield Plain(t("visit.title"), classes="title", id="visit-title")
            yield OptionList(
                *[
                    Option(plain(f"{i}  {t(f'category.{c}')}"), id=c.value)
                    for i, c in enumerate(CATEGORIES, 1)
                ],
                Option(plain(f"0  {t('visit.pass_number')}"), id="pass"),
                id="visit-categories",
                markup=False,
            )
            with VerticalScroll(id="visit-body"):
                yield Plain("", id="visit-category")
                yield OptionList(id="visit-companies", markup=False)
                # the rows of the chosen category's fields, mounted when it is chosen: the form
                # opens with only its category list to style and draw (a few ms, not ~100)
                yield Vertical(id="visit-fields")
                yield OptionList(id="visit-hosts", markup=False)
                yield Plain("", id="visit-goods")
                yield Plain("", id="visit-error", classes="error")
                yield Plain("", id="visit-consent", classes="advice")
                with Horizontal(classes="visit-row", id="visit-row-override"):
                    yield Plain(t("visit.field.override"), classes="visit-label")
                    yield SafeInput(id="visit-override", compact=True, max_length=120)
                with Horizontal(id="visit-done"):
                    yield Plain("", id="visit-result")
                    yield Static("", id="visit-qr")
            yield KeyBar(keys.bar(keys.VISIT_KEYS, keys.APP_KEYS), classes="hint")

    # Focus moves at once (``set_focus``), not after the queue (``widget.focus()``): keys a card
    # reader's check held back arrive together, and the next one belongs to the new field.
    def on_mount(self) -> None:
        # the category key can arrive before the screen is mounted (F6 and 2 typed together): then
        # the form has moved on already, and nothing here may undo it
        if self.step != "category":
            return
        for wid in ("#visit-body", "#visit-companies", "#visit-hosts", "#visit-row-override"):
            self.query_one(wid).display = False
        self.query_one("#visit-categories", OptionList).highlighted = 0
        self.set_focus(self.query_one("#visit-categories"))

    # --- the category ---------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#visit-categories")
    async def _category_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "pass":
            await self._pass_number()
            return
        await self.choose(VisitCategory(event.option.id or "relative"))

    async def choose(self, category: VisitCategory, keep: dict[str, str] | None = None) -> None:
        keep = {**self._keep, **(keep or {})}
        for wid in ("#visit-hosts", "#visit-row-override"):
            self.query_one(wid).display = False
        self.category = category
        self.step = "fields"
        self.steps = []
        self.channel_at = 0
        self.query_one("#visit-categories").display = False
        self.query_one("#visit-body").display = True
        self.query_one("#visit-category", Plain).show(
            t("visit.category_line", category=t(f"category.{category}"))
        )
        wanted = self.wanted()
        holder = self.query_one("#visit-fields", Vertical)
        await holder.remove_children()
        rows = []
        for name in self.order():
            mark = "*" if wanted[name] else ""
            field = SafeInput(
                keep.get(name, ""),
                id=f"visit-{name}",
                compact=True,
                max_length=validate.NAME_MAX if name == visits.NAME else visits.TEXT_MAX + 10,
                select_on_focus=False,
            )
            label = Plain(t(f"visit.field.{name}") + mark, classes="visit-label")
            rows.append(Horizontal(label, field, classes="visit-row", id=f"visit-row-{name}"))
        await holder.mount_all(rows)
        if not showing(self):
            return  # closed while the rows were mounted
        companies = self.query_one("#visit-companies", OptionList)
        parcels = category in visits.PARCELS
        companies.display = parcels
        companies.clear_options()
        if parcels:
            companies.add_options(
                [Option(plain(f"{i}  {name}"), id=name) for i, name in enumerate(self._companies(), 1)]
            )
        self._show_goods()
        self._say("")
        self.query_one("#visit-consent", Plain).show("")
        first = self.order()[0]
        if parcels and visits.COMPANY in wanted:
            companies.highlighted = 0
            self.set_focus(companies)
        else:
            self.set_focus(self.field(first))

    def _companies(self) -> tuple[str, ...]:
        if self.category == VisitCategory.FOOD_DELIVERY:
            return self.settings.food_companies
        return self.settings.courier_companies

    def wanted(self) -> dict[str, bool]:
        assert self.category is not None
        wanted = visits.fields_for(self.category, self.settings)
        if needs_temperature(self.level):
            wanted[TEMPERATURE] = True
        return wanted

    def order(self) -> list[str]:
        wanted = self.wanted()
        base = PARCEL_ORDER if self.category in visits.PARCELS else ORDER
        names = [n for n in base if n in wanted] + [n for n in ORDER if n in wanted and n not in base]
        if TEMPERATURE in wanted:
            names.append(TEMPERATURE)
        if self.category in visits.PARCELS:
            return names  # company, phone, (unit), (temperature): each visited in turn
        required = [n for n in names if wanted[n]]
        optional = [n for n in names if not wanted[n]]
        # the phone comes first where it can find a returning visitor, even if optional
        if visits.PHONE in optional and names and names[0] == visits.PHONE:
            return [visits.PHONE, *required, *[n for n in optional if n != visits.PHONE]]
        return [*required, *optional]

    def field(self, name: str) -> SafeInput:
        return self.query_one(f"#visit-{name}", SafeInput)

    def value(self, name: str) -> str:
        """What a field holds; "" for a field the category does not ask (not on the form)."""
        found = self.query(f"#visit-{name}")
        return found.first(SafeInput).value if found else ""

    @on(OptionList.OptionSelected, "#visit-companies")
    def _company_chosen(self, event: OptionList.OptionSelected) -> None:
        self._take_company(event.option.id or "")

    def _take_company(self, name: str) -> None:
        self.field(visits.COMPANY).value = name
        self.query_one("#visit-companies").display = False  # chosen: the room goes to the rest
        self._next_after(visits.COMPANY)

    # --- fields ---------------------------------------------------------------------------------
    # --- an expected visitor's pass number, read out at the gate -----------------------------------
    async def _pass_number(self) -> None:
        self.step = "pass"
        self.query_one("#visit-categories").display = False
        self.query_one("#visit-body").display = True
        self.query_one("#visit-category", Plain).show(t("visit.pass_number_line"))
        holder = self.query_one("#visit-fields", Vertical)
        await holder.remove_children()
        field = SafeInput(id="visit-pass", compact=True, max_length=120, select_on_focus=False)
        label = Plain(t("visit.field.pass"), classes="visit-label")
        await holder.mount(Horizontal(label, field, classes="visit-row", id="visit-row-pass"))
        if not showing(self):
            return
        self.set_focus(field)

    @work(thread=True, group="visit-pass", exclusive=True, exit_on_error=False)
    def _use_pass(self, text: str) -> None:
        from guardpost.domain import Lane

        try:
            use = self.booth.use_pass(text, Lane.IN)
        except GuardpostError as exc:
            tell(self, self._pass_answer, exc.message(), False)
            return
        who = printable(use.name or t(f"category.{use.category}"))
        tell(self, self._pass_answer, t("visit.pass_scanned.in", who=who, unit=use.unit or "-"), True)

    def _pass_answer(self, text: str, admitted: bool) -> None:
        if not admitted:
            self.app.bell()
            self._say(text)  # the number stays for a correction
            return
        self.step = "done"
        box = self.query_one("#visit-result", Plain)
        box.show(f"{text}\n{t('visit.done_keys')}")
        box.set_class(True, "allowed")
        self._say("")
        self.set_focus(self.query_one("#visit-body"))

    @on(SafeInput.Submitted)
    def _submitted(self, event: SafeInput.Submitted) -> None:
        wid = event.input.id or ""
        if wid == "visit-pass":
            if event.value.strip():
                self._use_pass(event.value)
            return
        if wid == "visit-override":
            self._override_done(event.value)
            return
        name = wid.removeprefix("visit-")
        if name == visits.PHONE and event.value.strip():
            self._look_up_phone(event.value)
            return
        if name == visits.UNIT and self.hosts and not _looks_like_unit(event.value):
            if len(self.hosts) == 1:
                self.field(visits.UNIT).value = self.hosts[0].unit
            else:
                hosts = self.query_one("#visit-hosts", OptionList)
                hosts.highlighted = 0
                self.set_focus(hosts)
                return
        self._next_after(name)

    def _next_after(self, name: str) -> None:
        order = self.order()
        wanted = self.wanted()
        missing = [n for n in order if wanted.get(n) and not self.field(n).value.strip()]
        later = order[order.index(name) + 1 :] if name in order else order
        # a parcel's few fields are each visited (the phone is optional, but often given);
        # elsewhere Enter skips the optional ones (Tab reaches them)
        visit = (
            missing
            if self.category not in visits.PARCELS
            else [n for n in order if n in missing or not wanted.get(n)]
        )
        empty_later = [n for n in later if n in visit and not self.field(n).value.strip()]
        if empty_later:
            self.set_focus(self.field(empty_later[0]))
            return
        if missing:
            self.set_focus(self.field(missing[0]))
            return
        self._to_consent()

    @on(SafeInput.Changed, "#visit-unit")
    def _unit_typed(self, event: SafeInput.Changed) -> None:
        text = event.value.strip()
        if len(text) >= 2:
            self._find_hosts(text)
        else:
            self._show_hosts(text, [])

    @work(thread=True, group="visit-hosts", exclusive=True, exit_on_error=False)
    def _find_hosts(self, text: str) -> None:
        found = self.booth.find_hosts(text)
        tell(self, self._show_hosts, text, found)

    def _show_hosts(self, text: str, found: list[HostMatch]) -> None:
        found_unit = self.query(f"#visit-{visits.UNIT}")
        unit = found_unit.first(SafeInput) if found_unit else None
        if unit is None or unit.value.strip() != text or not unit.has_focus:
            return  # typed on meanwhile, or filled in from a returning visit
        self.hosts = found
        hosts = self.query_one("#visit-hosts", OptionList)
        hosts.clear_options()
        hosts.add_options([Option(plain(host_line(m)), id=m.unit) for m in found])
        if hosts.display != bool(found):
            hosts.display = bool(found)
        self.hosts_for = text

    @on(OptionList.OptionSelected, "#visit-hosts")
    def _host_chosen(self, event: OptionList.OptionSelected) -> None:
        self.field(visits.UNIT).value = event.option.id or ""
        self.query_one("#visit-hosts").display = False
        self._next_after(visits.UNIT)

    @work(thread=True, group="visit-phone", exclusive=True, exit_on_error=False)
    def _look_up_phone(self, phone: str) -> None:
        found = self.booth.last_visit(phone)
        tell(self, self.call_later, self._prefill, phone, found)

    async def _prefill(self, phone: str, found: visits.VisitForm | None) -> None:
        if not showing(self) or self.step != "fields" or self.value(visits.PHONE) != phone:
            return  # the guard moved on (another category, another number) meanwhile
        if found is not None:
            # the guard chose the category: only the fields it asks are filled, never switched
            filled = []
            for name in (visits.NAME, visits.UNIT, visits.PLATE, visits.COMPANY):
                value = getattr(found, name)
                if value and self.query(f"#visit-{name}") and not self.value(name).strip():
                    self.field(name).value = value
                    filled.append(name)
            self.query_one("#visit-hosts").display = False
            self._say(t("visit.returning"))
            if filled:
                # the guard checks what was filled in and confirms it with Enter: a form that moved
                # on to the host by itself would take the next key typed (a "y" in a name) as consent
                wanted = self.wanted()
                missing = [n for n in self.order() if wanted.get(n) and not self.field(n).value.strip()]
                required = [n for n in self.order() if wanted.get(n)]
                self.set_focus(self.field(missing[0] if missing else required[-1]))
                return
        self._next_after(visits.PHONE)

    # --- consent --------------------------------------------------------------------------------
    def _to_consent(self) -> None:
        assert self.category is not None
        self.query_one("#visit-hosts").display = False
        if not needs_consent(self.category, self.level) or self.dangerous_goods:
            self._register()  # nobody to ask, or refused whatever the host says
            return
        self.step = "checking"
        self._precheck(self.form())

    @work(thread=True, group="visit-check", exclusive=True, exit_on_error=False)
    def _precheck(self, form: visits.VisitForm) -> None:
        """The fields, and the block list, before the host is troubled: a typo is fixed first, and
        someone barred is refused without a call."""
        try:
            blocked = self.booth.precheck_visit(form)
        except visits.FormRefused as exc:
            tell(self, self._refused, exc)
            return
        except GuardpostError as exc:
            tell(self, self._failed, exc)
            return
        tell(self, self._checked, blocked)

    def _checked(self, blocked: bool) -> None:
        if self.step != "checking":
            return
        self._say("")
        if blocked:
            self._register()
            return
        self._ask_host()

    def _ask_host(self) -> None:
        assert self.category is not None
        base = [ConsentChannel(c) for c in self.settings.consent_channels]
        if self.category == VisitCategory.STAFF:
            self.channels = [ConsentChannel.BADGE]
        elif self.category == VisitCategory.TOUR:
            self.channels = [ConsentChannel.LETTER, *base]
        else:
            self.channels = base
        self.step = "consent"
        self.set_focus(None)
        self.seconds_left = self.settings.consent_wait_s
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)
        self._show_consent()

    def _channel(self) -> ConsentChannel | None:
        return self.channels[self.channel_at] if self.channel_at < len(self.channels) else None

    def _show_consent(self) -> None:
        channel = self._channel()
        assert self.category is not None
        override = t("visit.consent_override") if may_override(self.category, self.level) else ""
        if channel is None:
            text = t("visit.consent_none_left", override=override)
        else:
            text = t(
                "visit.consent_ask",
                channel=t(f"consent.{channel}"),
                seconds=self.seconds_left,
                override=override,
            )
        self.query_one("#visit-consent", Plain).show(text)

    def _tick(self) -> None:
        if self.step != "consent" or self._channel() is None:
            return
        self.seconds_left -= 1
        if self.seconds_left <= 0:
            self._next_channel(ConsentOutcome.NO_ANSWER)
            return
        self._show_consent()

    def _next_channel(self, outcome: ConsentOutcome) -> None:
        channel = self._channel()
        if channel is not None:
            self.steps.append(visits.ConsentStep(outcome, channel))
            self.channel_at += 1
            self.seconds_left = self.settings.consent_wait_s
        self._show_consent()

    async def on_key(self, event: events.Key) -> None:
        if self.step == "category" and event.character == "0":
            event.stop()
            await self._pass_number()
            return
        if self.step == "category" and event.character and event.character in "123456789":
            index = int(event.character) - 1
            if index < len(CATEGORIES):
                event.stop()
                await self.choose(CATEGORIES[index])
            return
        if self.step == "fields" and event.character and event.character in "123456789":
            companies = self.query_one("#visit-companies", OptionList)
            choosing = self.category in visits.PARCELS and not self.value(visits.COMPANY)
            if companies.has_focus or (choosing and not isinstance(self.focused, SafeInput)):
                index = int(event.character) - 1
                if index < len(self._companies()):
                    event.stop()
                    self._take_company(self._companies()[index])
                return
        hosts = self.query_one("#visit-hosts", OptionList)
        if self.step == "fields" and hosts.has_focus and event.character and event.character.isprintable():
            event.stop()  # typing on: the unit field takes it, the list follows
            unit = self.field(visits.UNIT)
            self.set_focus(unit)
            unit.insert_text_at_cursor(event.character)
            return
        if self.step == "fields" and event.character and event.character.isprintable():
            # a key queued to the list before the form moved on (the card-reader check can hand
            # several held keys over at once): it belongs to the field that has the focus now
            if isinstance(self.focused, SafeInput) and event.control is not self.focused:
                event.stop()
                self.focused.insert_text_at_cursor(event.character)
            return
        if self.step == "consent":
            self._consent_key(event)
        elif self.step == "done" and event.key in ("enter", "escape"):
            event.stop()
            self.dismiss(self.result)
        elif self.step == "done" and event.character in ("p", "P") and self.result and self.result.pass_no:
            event.stop()
            self._say(t("visit.writing_slip"))
            self._write_slip(self.result.pass_no)

    @work(thread=True, group="visit-slip", exclusive=True, exit_on_error=False)
    def _write_slip(self, number: str) -> None:
        try:
            path = self.booth.write_slip(number)
        except GuardpostError as exc:
            tell(self, self._say, exc.message())
            return
        tell(self, self._say, t("slip.written", path=printable(str(path))))

    def _consent_key(self, event: events.Key) -> None:
        key = (event.character or event.key).lower()
        channel = self._channel()
        assert self.category is not None
        if key == "y" and channel is not None:
            event.stop()
            self.steps.append(visits.ConsentStep(ConsentOutcome.GIVEN, channel))
            self._register()
        elif key == "n":
            event.stop()
            self.steps.append(visits.ConsentStep(ConsentOutcome.REFUSED, channel))
            self._register()
        elif key == "o" and may_override(self.category, self.level):
            event.stop()
            self.step = "override"
            self.query_one("#visit-row-override").display = True
            self.set_focus(self.query_one("#visit-override"))
        elif key == "escape":
            event.stop()
            self._back_to_fields()

    def _back_to_fields(self) -> None:
        self.step = "fields"
        self.steps = []
        self.channel_at = 0
        self.query_one("#visit-consent", Plain).show("")
        self.set_focus(self.field(self.order()[0]))  # at once: a refusal then focuses its field

    def _override_done(self, reason: str) -> None:
        if not reason.strip():
            self._say(t("visit.override_needs_reason"))
            return
        if self._channel() is not None:
            self.steps.append(visits.ConsentStep(ConsentOutcome.NO_ANSWER, self._channel()))
        self.steps.append(visits.ConsentStep(ConsentOutcome.OVERRIDE, reason=reason.strip()))
        self._register()

    # --- registering ----------------------------------------------------------------------------
    def form(self) -> visits.VisitForm:
        assert self.category is not None
        value = {n: self.value(n) for n in ORDER}
        return visits.VisitForm(
            self.category,
            name=value[visits.NAME],
            phone=value[visits.PHONE],
            id=value[visits.ID],
            company=value[visits.COMPANY],
            plate=value[visits.PLATE],
            unit=value[visits.UNIT],
            note=value[visits.NOTE],
            dangerous_goods=self.dangerous_goods,
            temperature=self.value(TEMPERATURE),
        )

    def _register(self) -> None:
        self.step = "saving"
        self._say(t("visit.saving"))
        self._save(self.form(), list(self.steps))

    @work(thread=True, group="visit-save", exclusive=True, exit_on_error=False)
    def _save(self, form: visits.VisitForm, steps: list[visits.ConsentStep]) -> None:
        try:
            result = self.booth.register_visit(form, steps)
        except visits.FormRefused as exc:
            tell(self, self._refused, exc)
            return
        except GuardpostError as exc:
            tell(self, self._failed, exc)
            return
        tell(self, self._saved, result)

    def _refused(self, exc: visits.FormRefused) -> None:
        self._say(exc.message())
        bad = [p.field for p in exc.problems if p.field in (*ORDER, TEMPERATURE)]
        if "override" in [p.field for p in exc.problems]:
            self.step = "override"
            self.set_focus(self.query_one("#visit-override"))
            return
        self._back_to_fields()
        if bad:
            self.set_focus(self.field(bad[0]))
        self._say(exc.message())

    def _failed(self, exc: GuardpostError) -> None:
        self.step = "consent" if self.steps else "fields"
        self._say(exc.message())

    def _saved(self, result: visits.VisitResult) -> None:
        self.result = result
        self.step = "done"
        if self._ticker is not None:
            self._ticker.stop()
        self._say("")
        self.query_one("#visit-consent", Plain).show("")
        self.query_one("#visit-row-override").display = False
        verdict = result.verdict
        lines = [t(f"visit_reason.{verdict.reason}")]
        for hit in result.blocked:
            lines.append(t("visit.blocked_because", reason=printable(hit.reason)))
        if result.pass_no:
            lines.append(t("visit.pass_issued", number=result.pass_no))
        if result.was_inside:
            lines.append(t("visit.was_inside", numbers=", ".join(result.was_inside)))
        lines.append(t("visit.done_keys_pass" if result.pass_no else "visit.done_keys"))
        box = self.query_one("#visit-result", Plain)
        box.show("\n".join(lines))
        box.set_class(verdict.decision == Decision.ALLOW, "allowed")
        box.set_class(verdict.decision != Decision.ALLOW, "refused")
        if verdict.decision == Decision.ALARM:
            self.app.bell()
        qr = self.query_one("#visit-qr", Static)
        if result.token:
            qr.update(
                Text("\n".join(half_blocks(result.token)), style="black on white", no_wrap=True, end="")
            )
            qr.display = True
        else:
            qr.display = False
        body = self.query_one("#visit-body", VerticalScroll)
        self.set_focus(body)  # ↓ PgDn scroll to the whole QR on a small screen
        body.scroll_to_widget(self.query_one("#visit-done"), animate=False, top=True)

    # --- keys -----------------------------------------------------------------------------------
    def action_cancel(self) -> None:
        if self.step == "consent":
            self._back_to_fields()
            return
        if self.step == "override":
            self.step = "consent"
            self.query_one("#visit-row-override").display = False
            self.set_focus(None)
            return
        self.dismiss(self.result)

    def action_tab(self) -> None:
        if self.step == "consent":
            if self._channel() is not None:
                self._next_channel(ConsentOutcome.NO_ANSWER)
            return
        self.focus_next()

    def action_dangerous_goods(self) -> None:
        self.dangerous_goods = not self.dangerous_goods
        self._show_goods()

    def action_change_category(self) -> None:
        if self.step in ("fields", "consent"):
            self._keep = {n: self.value(n) for n in (*ORDER, TEMPERATURE) if self.value(n)}
            self.step = "category"
            self.steps = []
            self.query_one("#visit-body").display = False
            self.query_one("#visit-categories").display = True
            self.set_focus(self.query_one("#visit-categories"))

    def _show_goods(self) -> None:
        key = "visit.goods_yes" if self.dangerous_goods else "visit.goods_no"
        self.query_one("#visit-goods", Plain).show(t(key))

    def _say(self, text: str) -> None:
        self.query_one("#visit-error", Plain).show(text)


def _looks_like_unit(text: str) -> bool:
    from guardpost import validate

    try:
        validate.unit_code(text)
    except validate.Invalid:
        return False
    return True
