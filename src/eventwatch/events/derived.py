"""Events the coder derives from the ones it read: statements and joint actions.

PLOVER codes what actors say they will or will not do as events of their own (CAMEO 03
"express intent to cooperate" -> AGREE, 10 demands, 12 refusals -> REJECT, 13 threats): beside
"Syria offered to send troops" (a planned MOBILIZE) stands an asserted AGREE, said through
"offered". Joint actions run between each pair of their parties ("X, Y and Z met"), and a
meeting with someone runs both ways. The words that decide are data (``statements`` and
``symmetric`` in ``data/lexicon.yaml``).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from eventwatch.dates import find_event_date
from eventwatch.events.lexicon import Lexicon, Statements
from eventwatch.events.modality import ModalityCue
from eventwatch.records import Actor, Article, Event, Modality, stable_id
from eventwatch.records import Span as TextSpan


def same_actor(a: Actor, b: Actor) -> bool:
    """The same actor: same code and name (an unknown actor has no code: its name decides)."""
    return a.code == b.code and a.name == b.name


def phrasal_lemma(token: Token) -> str:
    """ "ruled out" -> "rule out"; "refused" -> "refuse"; adjectives keep their form."""
    particle = next((c.lower_ for c in token.children if c.dep_ == "prt"), None)
    lemma = token.lemma_.lower()
    return f"{lemma} {particle}" if particle else lemma


# ---------------------------------------------------------------------------- statements
def statement_of(
    st: Statements, event_type: str, cue: ModalityCue, clause: Token
) -> tuple[str, Token] | None:
    """The statement PLOVER codes beside an announced action of ``event_type`` (whose clause
    verb is ``clause``) whose modality ``cue`` decided, as (type, its word): "offered to send
    troops" -> AGREE ("offered"); "refused to meet" -> REJECT ("refused"); "will not accept" ->
    REJECT ("accept"); "will withdraw unless ..." -> THREATEN ("withdraw"); "will extend the
    curfew" -> THREATEN. The word must govern the action itself, not a phrase inside one of
    its arguments ("offered to send troops to reinforce the force *fighting* the militants":
    the fighting is not offered)."""
    word = cue.token
    if event_type in st.statement_types or word is None or not _governs(word, clause):
        return None
    if cue.modality == Modality.NEGATED:
        return _refusal(st, word)
    if cue.modality != Modality.PLANNED:
        return None
    if word.dep_ == "aux" and word.lower_ in st.future_modals:
        return _announced(st, event_type, word.head)
    lemma = phrasal_lemma(word)
    if lemma in st.commit:
        if event_type in st.cooperative:
            return "AGREE", word
        return ("THREATEN", word) if event_type in st.conflictual else None
    if lemma in st.readiness and event_type in st.conflictual:
        return "MOBILIZE", word
    return None


# the links through which a word of commitment or refusal governs the action it announces
CLAUSE_LINKS = frozenset(
    {"xcomp", "ccomp", "conj", "advcl", "dobj", "pcomp", "pobj", "prep", "acomp", "oprd"}
)


def _governs(word: Token, clause: Token) -> bool:
    """Is ``clause`` reached from ``word`` down a chain of clauses (complements, conjuncts,
    purpose clauses, an infinitive on an object: "dismissed an appeal *to lay down* arms"), or
    is ``word`` one of its own auxiliaries or negations? A participle on a noun is not ("sent
    troops to reinforce the force *fighting* militants": the fighting is not offered)."""
    if word.head.i == clause.i and word.dep_ in ("aux", "neg"):
        return True
    current, steps = clause, 0
    while current.i != word.i and steps < 6:
        infinitive = current.dep_ in ("acl", "relcl") and any(
            c.lower_ == "to" for c in current.children
        )
        if not infinitive and current.dep_ not in CLAUSE_LINKS:
            return False
        current, steps = current.head, steps + 1
    return current.i == word.i


def _refusal(st: Statements, word: Token) -> tuple[str, Token] | None:
    """ "refused to ...", "declined to ...", or a negated future ("will not accept")."""
    if phrasal_lemma(word) in st.refuse:
        return "REJECT", word
    verb = word.head if word.dep_ == "neg" else None
    if verb is not None and any(
        c.dep_ == "aux" and c.lower_ in st.future_modals for c in verb.children
    ):
        return "REJECT", verb
    return None


def _announced(st: Statements, event_type: str, verb: Token) -> tuple[str, Token] | None:
    """A future action announced: an ultimatum ("unless") threatens; a cooperative one is a
    promise, a coercive one a threat."""
    if any(
        c.dep_ == "advcl" and any(m.lower_ in st.ultimatum_marks for m in c.children)
        for c in verb.children
    ):
        return "THREATEN", verb
    if event_type in st.future_cooperative:
        return "AGREE", verb
    return ("THREATEN", verb) if event_type in st.future_conflictual else None


def stated_event(ev: Event, kind: str, word: Token, sent: Span, article: Article) -> Event:
    """The statement event of ``kind`` said by ``ev``'s actor through ``word``: asserted,
    dated by the statement's own clause, with no mode and no counts."""
    fld = ev.trigger.field
    date = find_event_date(sent, word, article.published, future=False)
    stated = replace(ev, event_type=kind, mode=None, contexts=list(ev.contexts),
                     confidence=dict(ev.confidence), date=date, modality=Modality.ASSERTED,
                     trigger=TextSpan(word.idx, word.idx + len(word.text), word.text, fld),
                     dead=None, injured=None, arrested=None)  # fmt: skip
    stated.confidence["type"] = round(min(ev.confidence.get("type", 0.8), 0.7), 3)
    code = ev.actor.code if ev.actor else ""
    stated.id = stable_id(article.id, fld, word.idx, kind, code)
    return stated


# ---------------------------------------------------------------------------- joint actions
def joint_events(
    lex: Lexicon,
    lemma: str,
    event_type: str,
    events: list[Event],
    article: Article,
    *,
    object_recipient: bool = False,
) -> list[Event]:
    """Joint actions: "the US, Russia and Switzerland met" is each meeting the others;
    "X held talks with Y" is also Y meeting X (CAMEO and PLOVER code both directions).
    ``object_recipient``: the recipient is the verb's direct object, what the parties
    exchange or discuss ("Russia and Ukraine exchanged prisoners"), not a party."""
    sym = lex.symmetric
    actors = [e.actor for e in events if e.actor is not None]
    unaimed = object_recipient or all(e.recipient is None for e in events)
    if len(actors) >= 2 and lemma in sym.joint and unaimed:
        return [redirect(e, other, article) for e in events if e.actor is not None
                for other in actors if not same_actor(other, e.actor)]  # fmt: skip
    if event_type in sym.types:
        return events + [redirect(replace(e, actor=e.recipient), e.actor, article)
                         for e in events if e.actor and e.recipient]  # fmt: skip
    return events


def redirect(event: Event, recipient: Actor | None, article: Article) -> Event:
    """A copy of ``event`` aimed at ``recipient``, with its own id."""
    out = replace(event, recipient=recipient, contexts=list(event.contexts),
                  confidence=dict(event.confidence))  # fmt: skip
    pair = f"{event.actor.code if event.actor else ''}>{recipient.code if recipient else ''}"
    out.id = stable_id(article.id, event.trigger.field, event.trigger.start,
                       event.event_type, pair)  # fmt: skip
    return out
