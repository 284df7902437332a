"""Channels read from attribution answers: the phrasings buyers use, and the sources a sentence
names only in passing. Sentences written for these tests, read with the real models."""

from __future__ import annotations

import pytest

from callinsight import load_settings
from callinsight.extract.attribution import ChannelReader
from callinsight.extract.language import entity_pipeline
from callinsight.extract.rules import cue_pipeline
from callinsight.extract.sentences import split_sentences
from callinsight.extract.taxonomy import load_taxonomy
from callinsight.records import Utterance


def _channels_by_turn(extractor, turns: list[Utterance]) -> set[tuple[int, str]]:
    """(utterance index, channel) of each attribution finding in a call of these turns."""
    found = extractor.extract("c-test", turns)
    return {(f.utterance_index, f.channel) for f in found if f.kind == "attribution"}


def _call(*texts: str) -> list[Utterance]:
    """A call alternating rep and prospect, the rep first."""
    return [
        Utterance(n, "Rep" if n % 2 == 0 else "Sam", t, role="rep" if n % 2 == 0 else "prospect")
        for n, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def read(embedder):
    """Channel -> entity for an answer (one or more sentences, read together)."""
    settings = load_settings()
    taxonomy = load_taxonomy(settings.taxonomy_dir)
    nlp = cue_pipeline(taxonomy)
    reader = ChannelReader(taxonomy, embedder, entity_pipeline(settings.spacy_model))

    def _read(answer: str) -> dict[str, str]:
        texts = [s.text for s in split_sentences(Utterance(0, "P", answer, role="prospect"))]
        rows = reader.read(texts, [nlp(t) for t in texts])
        found: dict[str, str] = {}
        for row in rows:
            for m in row:
                found.setdefault(m.channel, m.entity)
        return found

    return _read


@pytest.mark.parametrize(
    ("answer", "channel"),
    [
        # professional Slack and Discord workspaces, study clubs, peer groups
        ("Somebody posted a comparison in the Northbay Ops Slack last month.", "community"),
        ("There's a Slack for enrollment managers and your name comes up weekly.", "community"),
        ("Our regional study club spent half a meeting on it.", "community"),
        (
            "A peer group of clinic owners I belong to swapped notes on tools like yours.",
            "community",
        ),
        # ads of any kind
        ("Honestly it was one of those YouTube ads before a video.", "paid_ads"),
        ("I saw an ad, I think, on my phone.", "paid_ads"),
        ("A sponsored post on Instagram, of all places.", "paid_ads"),
        # the seller reached out first
        ("Your rep called me cold and it happened to be a bad week with our old tool.", "outbound"),
        ("You messaged me on LinkedIn out of nowhere.", "outbound"),
        ("Your SDR emailed me about our hiring plans.", "outbound"),
        # the prospect's former employer
        ("We used it at my last firm for three years.", "existing_relationship"),
        (
            "I ran it at my previous organization, so I knew what it could do.",
            "existing_relationship",
        ),
        # intermediaries
        ("The implementation firm doing our ERP suggested we look at you.", "partner"),
        ("Our wholesaler's rep brought you up during the quarterly review.", "partner"),
        ("You're listed in the integrations directory of our billing system.", "partner"),
        ("Our distributor's account manager recommended you.", "partner"),
        # a named person pushing for it
        ("Tomás Reyes on our board would not stop talking about you.", "referral"),
        # a founder on a show
        ("I heard your CEO on Warehouse Talk Weekly.", "podcast"),
        # review and listing sites
        ("You were rated well in the category on Capterra.", "review_site"),
        ("I saw you on a list of the best scheduling tools.", "review_site"),
        # events, not content
        ("Your COO was on a panel at the regional logistics summit.", "event"),
    ],
)
def test_buyer_phrasings_name_the_channel(read, answer, channel):
    assert channel in read(answer)


@pytest.mark.parametrize(
    ("answer", "wrong"),
    [
        ("Honestly it was one of those YouTube ads before a video.", "social"),
        ("You messaged me on LinkedIn out of nowhere.", "social"),
        ("Our wholesaler's rep brought you up during the quarterly review.", "referral"),
        ("I just googled it.", "paid_ads"),
        ("Your COO was on a panel at the summit, and I grabbed the checklist after.", "content"),
        (
            "I googled scheduling software and you were the first result that wasn't an ad.",
            "paid_ads",
        ),
        ("I heard your ad on a trucking podcast.", "paid_ads"),
        ("There was a long thread in a forum for practice managers.", "social"),
        ("My friend called me and said I had to look at you.", "outbound"),
    ],
)
def test_a_medium_or_a_passing_word_is_no_channel_of_its_own(read, answer, wrong):
    assert wrong not in read(answer)


def test_googled_is_search_only(read):
    assert set(read("I googled it, to be honest.")) == {"search"}


def test_former_employer_is_the_entity(read):
    found = read("I used it at my previous company, Lantern Freight, for about two years.")
    assert found.get("existing_relationship") == "Lantern Freight"
    assert "partner" not in found


def test_a_supplier_rep_is_a_partner_with_the_supplier_named(read):
    found = read("Our Brightwater Dental rep mentioned you at the last equipment review.")
    assert found.get("partner") == "Brightwater Dental"
    assert "referral" not in found


def test_an_organisation_recommending_is_a_partner_not_a_referral(read):
    found = read("Our MSP, Copperline IT, resells you and put you in our quarterly deck.")
    assert "partner" in found and "referral" not in found


def test_an_assistant_or_a_crowd_mentioning_you_is_no_referral(read):
    assert set(read("Honestly, Perplexity. It mentioned you as an option.")) == {"ai_assistant"}
    assert "referral" not in read(
        "I listen to a podcast on my drive and the host was raving about Vendorly."
    )


def test_an_organisation_where_a_referrer_works_is_no_community(read):
    found = read("My friend Dana at the Ohio Pharmacists Association swears by you.")
    assert "referral" in found


def test_the_podcast_guest_gives_the_show(read):
    found = read("Heard your CTO on Solar Ops Hour. The podcast.")
    assert "podcast" in found


def test_vague_answers_are_other_without_guessed_channels(read):
    assert set(
        read("I couldn't tell you, honestly. Possibly from an event, possibly from the ether.")
    ) == {"other"}
    assert set(read("No clue. Might have been an article somewhere.")) == {"other"}
    assert set(read("Might have been anywhere, really.")) == {"other"}


def test_a_plain_source_after_a_vague_start_is_kept(read):
    found = read("I can't remember where I first saw the name. But what sold me was G2.")
    assert "review_site" in found


def test_a_rep_message_then_its_platform_is_outbound(read):
    assert set(read("You messaged me. On LinkedIn. Twice, I think.")) == {"outbound"}


def test_common_words_are_not_misspelt_names(read):
    found = read("There was a huge discussion thread on the members' forum.")
    assert "social" not in found and "community" in found
    assert "paid_ads" not in read("I follow a designer on Instagram and she posted about you.")
    # one changed letter in a short name is another word: "being" is no "Bing"
    assert "search" not in read("Honestly, being in freight this long, a friend told me.")


def test_a_subreddit_is_social(read):
    found = read("Mostly a thread in r/homelab where people compared backup tools.")
    assert "social" in found and "community" not in found


def test_a_name_that_is_another_channels_term_stays_with_that_channel(read):
    # "Slack" names the community the post was in, not the post's source.
    found = read("A guy in the Slack posted a benchmark of dispatch tools and you came out on top.")
    assert found.get("community") == "Slack"
    assert found.get("content") != "Slack"


def test_a_partners_account_manager_is_the_partner(read):
    found = read(
        "Our distributor, Harbor Medical Supply, their account manager Luis keeps telling me "
        "to look at you."
    )
    assert "partner" in found and "existing_relationship" not in found


@pytest.mark.parametrize(
    "answer",
    [
        "My boss thinks we should be doing a podcast this year.",
        "We're launching our own newsletter for clients in spring.",
    ],
)
def test_the_prospects_own_media_is_no_channel(read, answer):
    assert not {"podcast", "content"} & set(read(answer))


def test_new_rep_prompts_open_an_answer(extractor):
    turns = [
        Utterance(0, "Rep", "Remind me, how did we get connected?", role="rep"),
        Utterance(1, "Pat", "Your SDR messaged me on LinkedIn a few weeks back.", role="prospect"),
        Utterance(2, "Rep", "Great. What does scheduling look like today?", role="rep"),
        Utterance(3, "Pat", "Spreadsheets, mostly.", role="prospect"),
        Utterance(4, "Rep", "So what first put us in front of you, Sam?", role="rep"),
        Utterance(5, "Sam", "Our accounting firm suggested we look at you.", role="prospect"),
    ]
    found = _channels_by_turn(extractor, turns)
    assert found == {(1, "outbound"), (5, "partner")}


def test_one_of_the_sellers_people_met_through_another_source_is_that_source(read):
    assert set(read("I met one of your people at the Logistics Summit in Denver.")) == {"event"}
    found = read("They had one of your people on Freight Matters, the podcast, last spring.")
    assert "podcast" in found and "outbound" not in found
    assert "outbound" in read("Your rep emailed me after the summit, twice.")


def test_a_named_consultant_is_a_referral_a_consulting_firm_a_partner(read):
    found = read("My consultant, Dana Whitlock, mentioned you when I asked about scheduling.")
    assert "referral" in found and "partner" not in found
    assert "partner" in read("Our IT consultants, Northgate Systems, put you on our shortlist.")


def test_everyday_words_are_no_run_together_name(read):
    assert "review_site" not in read("I asked ChatGPT for alternatives to our current tool.")
    assert "review_site" in read("I found you on AlternativeTo, of all places.")


@pytest.mark.parametrize(
    ("answer", "channel", "not_channel"),
    [
        ("I read your reviews on Capterra before the call.", "review_site", "content"),
        ("We found you in the Canvas app library, with a little badge.", "partner", None),
        ("My colleague first saw you at the Hannover Messe.", "event", None),
    ],
)
def test_listings_fairs_and_review_reading(read, answer, channel, not_channel):
    found = read(answer)
    assert channel in found and not_channel not in found


def test_more_rep_prompts_and_volunteered_reasons_open_an_answer(extractor):
    turns = [
        Utterance(0, "Rep", "Tell me the story of how Routewise landed in your lap.", role="rep"),
        Utterance(1, "Kim", "A friend of mine at Dockside swears by you.", role="prospect"),
        Utterance(2, "Rep", "I'd love to know how Routewise came up for you, Lou.", role="rep"),
        Utterance(3, "Lou", "Honestly, Capterra.", role="prospect"),
        Utterance(4, "Rep", "And what made you reply to my email?", role="rep"),
        Utterance(5, "Lou", "The subject line mentioned our Tulsa depot.", role="prospect"),
        Utterance(6, "Rep", "Makes sense. How many trucks run out of Tulsa?", role="rep"),
        Utterance(
            7,
            "Kim",
            "About forty. I also downloaded your fleet benchmark report, that's why I filled "
            "out the form.",
            role="prospect",
        ),
    ]
    found = _channels_by_turn(extractor, turns)
    assert {(1, "referral"), (3, "review_site"), (7, "content")} <= found
    assert (5, "other") in found  # asked, answered, no channel named


def test_a_turn_that_carries_on_the_answer_is_part_of_it(extractor):
    def channels(more: str) -> set[tuple[int, str]]:
        turns = [
            Utterance(
                n, "Rep" if n % 2 == 0 else "Ana", text, role="rep" if n % 2 == 0 else "prospect"
            )
            for n, text in enumerate(
                ["Hi Ana.", "Hi!", "How's the quarter?", "Busy.", "Same here.", "Ha.", "Right."]
            )
        ]
        turns += [
            Utterance(7, "Rep", "So where did you first come across us?", role="rep"),
            Utterance(
                8, "Ana", "A colleague at Harbor Freightways swears by you.", role="prospect"
            ),
            Utterance(9, "Ana", more, role="prospect"),
        ]
        return _channels_by_turn(extractor, turns)

    assert (9, "search") in channels("Then Bing, and the site came up first.")
    # without a word that carries on, the same speaker has moved on to something else
    assert (9, "search") not in channels("Bing is still the default browser on our laptops.")


def test_a_contraction_opening_the_sentence_is_no_name(read):
    # "I've", capitalised at the start, is no title run naming the content
    assert read("I've read your guide on dock scheduling.")["content"] != "I've"


def test_what_someone_said_you_would_do_is_no_referral(read):
    assert "referral" not in read("Dale mentioned you'd be storing our network maps.")
    assert "referral" in read("Dale mentioned you when we were comparing tools.")


def test_a_few_words_are_not_matched_to_example_answers(read):
    # similarity to example answers is a last resort, for a sentence with something in it
    assert read("So I clicked.") == {}


def test_a_source_told_again_unasked_later_is_the_one_already_credited(extractor):
    turns = _call(
        "How did you hear about us?",
        "Your billboard on the I-5, every single morning.",
        "Ha, good. What does dispatch look like today?",
        "Whiteboards and a lot of yelling.",
        "Got it. Who else weighs in on this?",
        "My ops lead. Honestly, I saw your billboard again and figured why not.",
        "Makes sense.",
        "Also my friend at Dockside swears by you.",
    )
    found = _channels_by_turn(extractor, turns)
    assert (1, "paid_ads") in found and (5, "paid_ads") not in found
    assert (7, "referral") in found  # a new source, unasked, still counts


def test_a_half_recognised_question_gives_no_vague_answer(extractor):
    # The prompt model gives "Who was first?" 0.68 for "how did you hear about us": enough to
    # read a source in the answer, not to file "Doesn't matter." as a vague one.
    turns = _call(
        "Thanks for making time.",
        "Sure. We looked at three tools and you were second.",
        "Second, I'll take it. Who was first?",
        "Doesn't matter now.",
    )
    assert not {f for f in _channels_by_turn(extractor, turns) if f[0] == 3}


def test_a_referral_is_not_named_after_the_fair_it_happened_at(read):
    # NER reads the fair as an organisation beside "my colleague": that is no referral's name
    found = read("I saw you first on the Hannover Messe, my colleague grabbed a flyer.")
    assert found.get("event") == "Hannover Messe" and "referral" not in found
    found = read("My colleague at Siemens told me about you at the Hannover Messe.")
    assert found.get("event") == "Hannover Messe" and found.get("referral") != "Hannover Messe"


def test_a_rep_offering_sources_keeps_the_answer_going(extractor):
    def channels(follow_up: str) -> set[tuple[int, str]]:
        turns = [
            Utterance(0, "Rep", "Before I start, how did we get on your radar?", role="rep"),
            Utterance(1, "Tasha", "Oh man, honestly, no clue.", role="prospect"),
            Utterance(2, "Rep", follow_up, role="rep"),
            Utterance(3, "Tasha", "Oh wait. Podcast, yes! The Landlord Hour.", role="prospect"),
        ]
        return _channels_by_turn(extractor, turns)

    # a long follow-up question that offers sources is still about how they heard
    assert (3, "podcast") in channels(
        "Ha, fair enough. Anything ring a bell, maybe a podcast or an event?"
    )
    # a long question about something else is the rep moving on
    assert (3, "podcast") not in channels(
        "Ha, fair enough. So how do maintenance requests come in for you today?"
    )


@pytest.mark.parametrize(
    "answer",
    [
        "My buddy Mike, he runs safety for a framing outfit, says just get the thing.",
        "A mate of mine at the council says you saved her a fortnight.",
    ],
)
def test_a_friend_by_any_name_is_a_referral(read, answer):
    assert "referral" in read(answer)


def test_a_source_told_in_the_opening_turn_needs_no_cue(extractor):
    found = _channels_by_turn(
        extractor,
        _call(
            "Hi Frank, Leah from Axlecast, thanks for making time.",
            "Yeah hi. Your COO was on the Fleet Forward podcast and I nearly drove into a ditch.",
            "Ha, glad to hear it. What does your inspection process look like?",
            "Paper. Lots of paper.",
        ),
    )
    assert (1, "podcast") in found


def test_the_seller_named_in_the_reps_introduction_counts_as_the_seller(extractor):
    opening = (
        "Look, my brother-in-law runs an electrical outfit and every Thanksgiving it's "
        "Fieldbell this, Fieldbell that."
    )
    found = _channels_by_turn(
        extractor, _call("Hi Stan, Dana from Fieldbell.", opening, "Ha. How many trucks?", "Six.")
    )
    assert (1, "referral") in found
    other_seller = _channels_by_turn(
        extractor, _call("Hi Stan, Dana from Pipewise.", opening, "Ha. How many trucks?", "Six.")
    )
    assert (1, "referral") not in other_seller


def test_an_opening_turn_without_the_seller_or_a_source_is_small_talk(extractor):
    found = _channels_by_turn(
        extractor,
        _call(
            "Hi Ingrid, Mateo from Layerworks. Thanks for making time.",
            "Sure. My colleague Ana might join late, she's at our Google training. I've read "
            "your capabilities page.",
            "Will do. What are you trying to get printed?",
            "Titanium prototypes.",
        ),
    )
    assert found == set()


def test_a_long_statement_closing_the_reps_turn_with_a_cue_is_the_question(extractor):
    found = _channels_by_turn(
        extractor,
        _call(
            "Thanks for coming, everyone.",
            "Thanks for having us.",
            "Great. I'm always curious what leads a city to reach out, so I'd love to hear how "
            "Permitpath came to your attention.",
            "It came up in the MuniTech Slack, the group for municipal IT directors.",
        ),
    )
    assert (3, "community") in found


def test_a_research_answer_tells_a_source_only_when_it_names_the_seller(extractor):
    def found(answer: str) -> set[tuple[int, str]]:
        return _channels_by_turn(
            extractor,
            _call(
                "Hi Tessa, Ahmed from Prepline.",
                "Hi.",
                "Besides us, did you look at anything else?",
                answer,
            ),
        )

    assert not found("I asked ChatGPT to build me a food-cost spreadsheet template.")
    assert (3, "ai_assistant") in found(
        "I asked ChatGPT for inventory apps and it named you first."
    )


def test_being_a_customer_already_is_told_whenever_it_comes_up(extractor):
    turns = _call(
        "Hi Dana, Priya from Heartbeat.",
        "Hi.",
        "Heartbeat runs pulse surveys by text every month.",
        "By text is good. And actually, we already use Heartbeat Kudos for recognition.",
        "Great.",
        "And we already use Slack for everything else.",
    )
    found = _channels_by_turn(extractor, turns)
    assert (3, "existing_relationship") in found
    assert (5, "existing_relationship") not in found  # not the seller's product


def test_a_short_question_about_today_is_the_rep_moving_on(extractor):
    def found(follow_up: str) -> set[tuple[int, str]]:
        return _channels_by_turn(
            extractor,
            _call(
                "Quick one to start, how did we come onto your radar?",
                "I was browsing the PagerDuty integrations directory and you were listed there.",
                follow_up,
                "Customers found out about our outage from Twitter, you know, before we did.",
            ),
        )

    assert (3, "social") not in found("Ha, we'll take it. What's the situation today?")
    assert (3, "social") in found("Ha, we'll take it. Where else?")


def test_a_person_passing_on_a_piece_only_carried_the_source(read):
    found = read("And then a colleague forwarded your white paper on statistical monitoring.")
    assert "content" in found and "referral" not in found
    assert "referral" in read("A colleague recommended you over lunch.")


def test_a_referral_by_someone_in_the_meeting_is_no_source(extractor):
    def found(who: str) -> set[tuple[int, str]]:
        turns = [
            Utterance(
                0, "Nadia", "Thanks for fitting this in. What brought you to Sifter?", role="rep"
            ),
            Utterance(1, "Funmi Oyelaran", "Kevin can take that one.", role="prospect"),
            Utterance(
                2,
                "Kevin Tran",
                f"I kept complaining until {who} told me to call you.",
                role="prospect",
            ),
        ]
        return _channels_by_turn(extractor, turns)

    assert (2, "referral") not in found("Funmi")
    assert (2, "referral") in found("Dana Whitlock")


def test_beside_another_source_a_piece_not_the_sellers_is_only_talked_about(read):
    found = read("The reviews on Capterra mentioned the protocol templates specifically.")
    assert "review_site" in found and "content" not in found
    # the seller's own piece, beside the source that carried it, is a source too
    assert {"social", "content"} <= set(read("Someone on LinkedIn posted your blog post on churn."))
