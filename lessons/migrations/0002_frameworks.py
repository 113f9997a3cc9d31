"""Load the standard source-analysis frameworks and their prompts.

The content lives here as plain data, not imported from app code, so this migration
gives the same result whenever it runs. Running it again updates the rows in place.
"""

from __future__ import annotations

from django.db import migrations

FRAMEWORKS = (
    {
        "slug": "opvl",
        "name": "Origin, purpose, value, limitation",
        "short_name": "OPVL",
        "description": (
            "The way sources are evaluated in IB Diploma History. Work out where a source "
            "comes from and why it was made, then weigh what that makes it valuable for and "
            "where it falls short."
        ),
        "judgement_prompt": (
            "How far does the origin and purpose of this source affect its value to a historian?"
        ),
        "prompts": (
            {
                "key": "origin",
                "label": "Origin",
                "guiding_questions": (
                    "Who created this source, and what position or role did they hold?",
                    "When and where was it produced, and how close was that to the events "
                    "it describes?",
                    "What kind of source is it (speech, diary, photograph, official "
                    "report…), and was it meant to be public or private?",
                    "What could the author have known first-hand, and what would they have "
                    "had to rely on others for?",
                ),
                "sentence_starters": (
                    "The source was produced by … in …, which means the author was in a "
                    "position to know …",
                    "Because the author was …, they had access to … but not to …",
                    "The date of the source matters because …",
                ),
                "required": True,
            },
            {
                "key": "purpose",
                "label": "Purpose",
                "guiding_questions": (
                    "Why was this source made, and what did its creator want to achieve?",
                    "Who was it meant for, and how might that have shaped what was put in "
                    "or left out?",
                    "Was it meant to inform, persuade, justify, record or entertain?",
                    "Does the language or tone suggest the author wanted to create a "
                    "particular impression?",
                ),
                "sentence_starters": (
                    "The purpose of the source was to …, so the author is likely to emphasise …",
                    "Since it was aimed at …, the author may have left out …",
                    "The tone of the source, for example “…”, suggests it was intended to …",
                ),
                "required": True,
            },
            {
                "key": "value",
                "label": "Value",
                "guiding_questions": (
                    "Given who made it and why, what does this source reveal that a "
                    "historian could use?",
                    "What does it show about the attitudes, beliefs or intentions of the "
                    "person or group who made it?",
                    "Which details can be checked against your own knowledge or other sources?",
                    "Could a one-sided source still be valuable, for example as evidence "
                    "of how someone wanted to be seen?",
                ),
                "sentence_starters": (
                    "The source is valuable for a historian studying … because …",
                    "Because of its origin, the source gives a reliable insight into …",
                    "Even though it is one-sided, the source is valuable as evidence of …",
                ),
                "required": True,
            },
            {
                "key": "limitation",
                "label": "Limitation",
                "guiding_questions": (
                    "What does the source leave out, and why might the author have left it out?",
                    "How might the author's position, loyalties or purpose have distorted "
                    "what they say?",
                    "Is it a single point of view, a selected extract, or something "
                    "written long after the events?",
                    "What other evidence would a historian need before relying on it?",
                ),
                "sentence_starters": (
                    "The value of the source is limited because …",
                    "As the author was …, they are unlikely to mention …",
                    "A historian would need to check this source against … because …",
                ),
                "required": True,
            },
        ),
    },
    {
        "slug": "gcse-nop",
        "name": "Nature, origin, purpose",
        "short_name": "NOP",
        "description": (
            "A scaffold for the source questions in GCSE History in the UK. Think about what "
            "kind of source it is, who made it and why, and what it says, then decide how "
            "useful it is for a particular enquiry."
        ),
        "judgement_prompt": "How useful is this source for the enquiry?",
        "prompts": (
            {
                "key": "nature",
                "label": "Nature",
                "guiding_questions": (
                    "What type of source is this: a letter, cartoon, speech, photograph, "
                    "government record or something else?",
                    "Was it meant to be private or public, and does that make it more or "
                    "less honest?",
                    "Was it made at the time, or later with the benefit of hindsight?",
                    "What are the strengths and weaknesses of this type of source as evidence?",
                ),
                "sentence_starters": (
                    "The source is a …, which means it is likely to …",
                    "As a private/public document, the source is more likely to …",
                    "Because this type of source …, it is more/less useful for showing …",
                ),
                "required": True,
            },
            {
                "key": "origin",
                "label": "Origin",
                "guiding_questions": (
                    "Who produced the source, and what was their role or point of view?",
                    "When and where was it made, and what was happening at that moment?",
                    "Was the author in a position to know about what they describe?",
                    "Might the author have had reasons to exaggerate, hide or change things?",
                ),
                "sentence_starters": (
                    "The source was created by … in …, so the author would have known …",
                    "The author's position as … makes the source more/less reliable because …",
                    "Because it was made at the time of …, it shows …",
                ),
                "required": True,
            },
            {
                "key": "purpose",
                "label": "Purpose",
                "guiding_questions": (
                    "Why was the source made, and who was it for?",
                    "Is it trying to persuade, inform, criticise, record or mock?",
                    "How might its purpose have affected what the author chose to include "
                    "or leave out?",
                    "Does the purpose make the source less useful, or is the purpose "
                    "itself useful evidence?",
                ),
                "sentence_starters": (
                    "The source was made to …, so it is likely to exaggerate/play down …",
                    "The intended audience was …, which explains why …",
                    "Although the purpose was to …, this still makes the source useful for "
                    "showing …",
                ),
                "required": True,
            },
            {
                "key": "content",
                "label": "Content",
                "guiding_questions": (
                    "What does the source say or show? Pick out the key details.",
                    "How far does the content fit with what you know about the period?",
                    "Is anything inaccurate, exaggerated or missing when you compare it "
                    "with your own knowledge?",
                    "Which details are most relevant to the enquiry?",
                ),
                "sentence_starters": (
                    "The source says/shows that …, which fits with my knowledge that …",
                    "The source is accurate in showing …, but it leaves out …",
                    "The detail “…” is relevant to the enquiry because …",
                ),
                "required": True,
            },
            {
                "key": "usefulness",
                "label": "Usefulness",
                "guiding_questions": (
                    "Putting nature, origin, purpose and content together, how useful is "
                    "the source for this particular enquiry?",
                    "Which factor makes the source most useful, and which limits it most?",
                    "If the source is biased, is it still useful, and if so, useful for what?",
                    "What else would you need alongside it to answer the enquiry fully?",
                ),
                "sentence_starters": (
                    "Overall, the source is very/partly/not very useful for an enquiry into "
                    "… because …",
                    "The source is most useful for showing …, but its usefulness is limited by …",
                    "Weighing who made it and why against what it says, I judge the source "
                    "to be … because …",
                ),
                "required": True,
            },
        ),
    },
    {
        "slug": "sheg",
        "name": "Reading like a historian",
        "short_name": "SHEG",
        "description": (
            "Built on the historical thinking skills promoted by the Stanford History "
            "Education Group. Question who made a source, place it in its time, compare it "
            "with other evidence and read its words closely."
        ),
        "judgement_prompt": (
            "How far can this source be trusted as evidence for the question you are investigating?"
        ),
        "prompts": (
            {
                "key": "sourcing",
                "label": "Sourcing",
                "guiding_questions": (
                    "Who wrote or made this, and what do you know about their point of view?",
                    "When and where was it made, and why?",
                    "Before reading it closely, what do you expect it to say, given who made it?",
                    "How trustworthy is it likely to be, and why?",
                ),
                "sentence_starters": (
                    "Before reading it, I predict the author will … because …",
                    "The author's background as … suggests they will see events as …",
                    "I think this source is/is not trustworthy because …",
                ),
                "required": True,
            },
            {
                "key": "contextualization",
                "label": "Contextualisation",
                "guiding_questions": (
                    "What else was happening when and where this source was made?",
                    "How might the circumstances of the time have shaped what the author "
                    "believed or wrote?",
                    "What was different then from today, and how might that change how we read it?",
                    "What events or worries would the original audience have had in mind?",
                ),
                "sentence_starters": (
                    "When this source was made, … was happening, which helps explain why …",
                    "People at the time would have read this as … because …",
                    "The source makes more sense once we know that …",
                ),
                "required": True,
            },
            {
                "key": "corroboration",
                "label": "Corroboration",
                "guiding_questions": (
                    "What do other sources say about the same events or issue?",
                    "Where do the sources agree, and where do they disagree?",
                    "Which source is more convincing on this point, and why?",
                    "What evidence is still missing, and where might you find it?",
                ),
                "sentence_starters": (
                    "This source agrees with Source … that …, which strengthens the claim that …",
                    "This source contradicts Source … about …, probably because …",
                    "Source … is more convincing on this point because …",
                ),
                "required": True,
            },
            {
                "key": "close-reading",
                "label": "Close reading",
                "guiding_questions": (
                    "What claims does the author make, and what evidence do they use to "
                    "support them?",
                    "Which words or phrases show the author's attitude or try to persuade "
                    "the reader?",
                    "What has the author chosen not to say?",
                    "Is the language neutral, emotional, official or sarcastic, and why "
                    "might that be?",
                ),
                "sentence_starters": (
                    "The author claims that …, supporting this with …",
                    "The word/phrase “…” suggests the author wants the reader to feel …",
                    "By not mentioning …, the author …",
                ),
                "required": True,
            },
        ),
    },
    {
        "slug": "soapstone",
        "name": "SOAPSTone",
        "short_name": "",
        "description": (
            "A checklist widely used in American classrooms, including Advanced Placement "
            "courses, for taking a text apart: who is speaking, on what occasion, to whom, "
            "why, about what, and in what tone."
        ),
        "judgement_prompt": (
            "How do the speaker's position and purpose shape what this source says, and how "
            "far can a historian rely on it?"
        ),
        "prompts": (
            {
                "key": "speaker",
                "label": "Speaker",
                "guiding_questions": (
                    "Who created this source, and what do you know about their "
                    "background, job or loyalties?",
                    "What could they have seen or known directly?",
                    "What might they gain or lose from what they say?",
                    "Are they speaking for themselves, or for a group, party or government?",
                ),
                "sentence_starters": (
                    "The speaker is …, whose position as … means they …",
                    "Because the speaker had a stake in …, they may …",
                    "The speaker was/was not in a position to know … because …",
                ),
                "required": True,
            },
            {
                "key": "occasion",
                "label": "Occasion",
                "guiding_questions": (
                    "When and where was the source produced?",
                    "What event, crisis or debate led to it being made?",
                    "How might the moment it was made have shaped what it says?",
                    "Was it produced at the time, or looking back on events?",
                ),
                "sentence_starters": (
                    "The source was produced in response to …",
                    "Given that it was made during …, it is likely to …",
                    "The timing of the source matters because …",
                ),
                "required": True,
            },
            {
                "key": "audience",
                "label": "Audience",
                "guiding_questions": (
                    "Who was the source intended for?",
                    "Was it meant for the public or a few people, for supporters or "
                    "opponents, for people at home or abroad?",
                    "How might the author have adjusted the message to suit this audience?",
                    "Who was not meant to see it, and why does that matter?",
                ),
                "sentence_starters": (
                    "The intended audience was …, so the author probably …",
                    "Because it was made for …, the source may leave out …",
                    "A different audience, such as …, would have been told something "
                    "different because …",
                ),
                "required": True,
            },
            {
                "key": "purpose",
                "label": "Purpose",
                "guiding_questions": (
                    "What did the author want the audience to think, feel or do?",
                    "Is the source trying to inform, persuade, justify, warn or rally support?",
                    "Which parts of the source best reveal its purpose?",
                    "How does the purpose affect how far a historian can trust it?",
                ),
                "sentence_starters": (
                    "The purpose of the source is to …, as shown by …",
                    "Because the author wanted to …, the source is likely to exaggerate …",
                    "The purpose makes the source useful as evidence of … rather than of …",
                ),
                "required": True,
            },
            {
                "key": "subject",
                "label": "Subject",
                "guiding_questions": (
                    "What is the source mainly about, in one or two sentences?",
                    "Which topics or events does it focus on, and which does it avoid?",
                    "How does the subject connect to the question you are investigating?",
                ),
                "sentence_starters": (
                    "The source is mainly about …",
                    "The source focuses on … but says little about …, which suggests …",
                    "The subject is relevant to the enquiry because …",
                ),
                "required": True,
            },
            {
                "key": "tone",
                "label": "Tone",
                "guiding_questions": (
                    "What is the author's attitude: confident, angry, fearful, mocking, neutral?",
                    "Which words, images or details create that tone?",
                    "Why might the author have chosen this tone for this audience?",
                    "Does the tone make the source more or less reliable as evidence of "
                    "what happened?",
                ),
                "sentence_starters": (
                    "The tone of the source is …, as shown by …",
                    "The author's … tone suggests they want the audience to …",
                    "Because the tone is …, a historian should treat its claims about … "
                    "with caution.",
                ),
                "required": True,
            },
        ),
    },
    {
        "slug": "hipp",
        "name": "HIPP",
        "short_name": "",
        "description": (
            "The four sourcing skills from the American Advanced Placement history courses. "
            "Place a source in its historical context and consider its intended audience, "
            "purpose and point of view to judge how far it can be relied on."
        ),
        "judgement_prompt": (
            "How far do the context, audience, purpose and point of view of this source "
            "strengthen or limit it as evidence?"
        ),
        "prompts": (
            {
                "key": "historical-context",
                "label": "Historical context",
                "guiding_questions": (
                    "What events, changes or tensions were taking place when the source was made?",
                    "How does this context help explain what the source says or shows?",
                    "What did people at the time know, or not yet know, that affects the source?",
                ),
                "sentence_starters": (
                    "The source was produced at a time when …, which helps explain …",
                    "Knowing that … had just happened makes the source's claim that … "
                    "more/less convincing.",
                    "The context suggests the author was responding to …",
                ),
                "required": True,
            },
            {
                "key": "audience",
                "label": "Intended audience",
                "guiding_questions": (
                    "Who was meant to see, read or hear this source?",
                    "How might the author have shaped the message to suit them?",
                    "Would the source have been different if it had been made for another "
                    "audience?",
                    "Does this audience make the author more likely to be honest, or more "
                    "likely to put on a show?",
                ),
                "sentence_starters": (
                    "The source was aimed at …, so the author is likely to …",
                    "Because the audience was …, the source probably leaves out …",
                    "The choice of audience makes the source useful for understanding …",
                ),
                "required": True,
            },
            {
                "key": "purpose",
                "label": "Purpose",
                "guiding_questions": (
                    "Why was this source created?",
                    "What reaction did the author hope for?",
                    "How does the purpose affect what is included, emphasised or left out?",
                    "Can the purpose itself tell a historian something valuable?",
                ),
                "sentence_starters": (
                    "The author created the source in order to …",
                    "Because its purpose was to …, the source emphasises …",
                    "Although its purpose limits its reliability about …, it is valuable "
                    "evidence of …",
                ),
                "required": True,
            },
            {
                "key": "point-of-view",
                "label": "Point of view",
                "guiding_questions": (
                    "What is the author's position, background or loyalty?",
                    "How might that shape the way they interpret events?",
                    "Could the author really know what they claim to know?",
                    "Whose perspectives are missing from the source?",
                ),
                "sentence_starters": (
                    "The author's point of view as … shapes the source by …",
                    "Someone with a different perspective, such as …, might have described … as …",
                    "The source does not include the view of …, so a historian would need …",
                ),
                "required": True,
            },
        ),
    },
    {
        "slug": "loc-orq",
        "name": "Observe, reflect, question",
        "short_name": "LoC",
        "description": (
            "Adapted from the Library of Congress approach to analysing primary sources. "
            "Look carefully first, then think about what the source suggests, and finish "
            "with the questions you still need to answer. It suits images, objects and "
            "unfamiliar sources well."
        ),
        "judgement_prompt": (
            "What can this source tell you, what can it not tell you, and how far can you trust it?"
        ),
        "prompts": (
            {
                "key": "observe",
                "label": "Observe",
                "guiding_questions": (
                    "What do you notice first?",
                    "Who or what is shown or mentioned, and which details can you see or read?",
                    "What type of source is it, and what clues are there about who made "
                    "it, when and where?",
                    "What information about its maker or date is missing?",
                ),
                "sentence_starters": (
                    "I notice that …",
                    "The source contains …, which suggests it was made by/for …",
                    "A detail that stands out is …, because …",
                ),
                "required": True,
            },
            {
                "key": "reflect",
                "label": "Reflect",
                "guiding_questions": (
                    "Why do you think this source was made, and who was it for?",
                    "What was happening at the time that might explain it?",
                    "What can you work out about the creator's point of view?",
                    "How reliable do you think it is, and why?",
                ),
                "sentence_starters": (
                    "I think this source was made to … because …",
                    "The creator probably believed …, as shown by …",
                    "This source suggests that …, but I would be cautious because …",
                ),
                "required": True,
            },
            {
                "key": "question",
                "label": "Question",
                "guiding_questions": (
                    "What do you still want to know about this source or its creator?",
                    "What does the source not tell you?",
                    "Which other sources could confirm or challenge what this one suggests?",
                    "What would you ask the person who made it?",
                ),
                "sentence_starters": (
                    "I wonder why …",
                    "To check this source, I would need to find …",
                    "The source cannot tell me …, so next I would …",
                ),
                "required": True,
            },
        ),
    },
)


def load_frameworks(apps, schema_editor):
    Framework = apps.get_model("lessons", "Framework")
    Prompt = apps.get_model("lessons", "Prompt")
    db = schema_editor.connection.alias
    for data in FRAMEWORKS:
        framework, _ = Framework.objects.using(db).update_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "short_name": data["short_name"],
                "description": data["description"],
                "judgement_prompt": data["judgement_prompt"],
            },
        )
        for order, prompt in enumerate(data["prompts"], start=1):
            Prompt.objects.using(db).update_or_create(
                framework=framework,
                key=prompt["key"],
                defaults={
                    "order": order,
                    "label": prompt["label"],
                    "guiding_questions": "\n".join(prompt["guiding_questions"]),
                    "sentence_starters": "\n".join(prompt["sentence_starters"]),
                    "required": prompt["required"],
                },
            )


def unload_frameworks(apps, schema_editor):
    """Delete these frameworks (prompts cascade), except any a lesson still uses."""
    Framework = apps.get_model("lessons", "Framework")
    db = schema_editor.connection.alias
    slugs = [data["slug"] for data in FRAMEWORKS]
    Framework.objects.using(db).filter(slug__in=slugs, lessons__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0001_initial"),
    ]

    operations = [migrations.RunPython(load_frameworks, unload_frameworks)]
