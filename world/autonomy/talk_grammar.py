"""The words of conversations, as data: a grammar (`htrae.grammar`) whose symbols
`world.autonomy.conversation` binds to the speaker's own facts (`#you#` the listener, `#place#`,
`#daypart#`, `#goal#`, `#fact#`, `#subject#`, `#lore#`, `#memory#`, `#my_faction#`,
`#their_faction#`, ...). Each act of a conversation (greet, topic, answer, react, farewell)
starts from one symbol here, chosen by the act, the topic and how the two stand.

The shipped words: designers edit them in the admin (`world.GrammarSymbol`, `world.voice`), and what
they save there is what the tick speaks.
"""

from __future__ import annotations

RULES: dict[str, tuple[str, ...]] = {
    # --- pieces used everywhere -----------------------------------------------------------
    "hello": (
        "Well met",
        "Good to see you",
        "Hello there",
        "Ah",
        "There you are",
        "Greetings",
        "Hail",
        "Good #partday#",
        "Peace on you",
        "Fancy finding you here",
        "Oh, hello",
        "Look who it is",
    ),
    "hello_warm": (
        "My friend",
        "There's a face I've missed",
        "Come here, you",
        "Just the one I hoped to find",
        "What luck",
        "Dear heart",
        "Oh, it's you! Good",
        "At last, a friendly face",
    ),
    "hello_cold": ("Oh. It's you", "Hm", "Of all people", "You again", "Well, well", "Still here"),
    "hello_kin": ("Friend of the cause", "One of ours", "Fellow of #my_faction#", "Well met, kin of #my_faction#"),
    "ack": ("Hello", "Yes, hello", "And you", "Likewise", "Oh, hello", "Ah", "Good #partday#", "Well met yourself"),
    "ack_warm": ("Always glad of you", "Sit, sit", "You're a sight", "There you are at last", "My friend"),
    "weather": (
        "the light sits low over #place#",
        "#place# is quiet #daypart#",
        "#place# hums #daypart#",
        "the air in #place# smells of rain",
        "the lamps of #place# flicker #daypart#",
        "#place# has seen busier days",
        "there's a chill about #place# #daypart#",
        "#place# looks fine in this light",
        "everyone in #place# seems in a hurry #daypart#",
        "the wind has turned over #place#",
        "#place# smells of woodsmoke #daypart#",
        "I hardly know #place# #daypart#",
        "the colours over #place# are strange #daypart#",
        "#place# is full of talk #daypart#",
        "it's warm for #place#",
    ),
    "mood_line": (
        "I am #feeling# #daypart#",
        "I've been #feeling# since I came to #place#",
        "the #partday# finds me #feeling#",
        "I woke #feeling#, and it hasn't passed",
        "#place# leaves me #feeling#",
        "I can't say why I'm #feeling# #daypart#",
    ),
    "errand": (
        "I've been trying to #my_goal#",
        "#daypart# I meant to #my_goal#",
        "I was just about to #my_goal#",
        "I still mean to #my_goal#",
        "all #daypart# I've thought of how to #my_goal#",
    ),
    "small": ("#weather#", "#mood_line#", "#errand#"),
    "later": (
        "tomorrow",
        "soon",
        "at the next bell",
        "when the lamps are lit",
        "another day",
        "by the next market",
        "before long",
        "when we're both less busy",
    ),
    # --- greet: the opening line ------------------------------------------------------------
    "greet_friend": (
        "#hello_warm#, #you#! #small.cap#.",
        "#hello_warm#, #you#. #small.cap#, and here you are.",
    ),
    "greet_kin": ("#hello_kin#, #you#. #small.cap#.", "#you#! #hello_kin#. #small.cap#."),
    "greet_plain": (
        "#hello#, #you#. #small.cap#.",
        "#you#! #small.cap#.",
        "#hello#, #you#. #weather.cap#, wouldn't you say?",
    ),
    "greet_rival": (
        "#hello_cold#, #you#. #small.cap#, and now this.",
        "#hello_cold#, #you#. What brings you to #place# #daypart#?",
        "#hello_cold#. #small.cap#, #you#, and I'd like it to stay that way.",
    ),
    "introduce": (
        "I don't think we've met. I'm #me#, and #small#.",
        "We haven't been introduced. #me#, at your service; #small#.",
        "A new face in #place#! I'm #me#. #small.cap#.",
        "Forgive me, I don't know your name. Mine's #me#; #small#.",
    ),
    "introduce_famous": (
        "#you#! I'm #me#. I've heard so much about you, even in #place#.",
        "So you are #you#. I'm #me#; #small#.",
    ),
    # --- greet back: the answer to a greeting -----------------------------------------------
    "greet_back_friend": ("#ack_warm#, #you#. #small.cap#.", "#you#! #ack_warm#. #small.cap#."),
    "greet_back_plain": ("#ack#, #you#. #small.cap#.", "#ack#. #small.cap#, #you#."),
    "greet_back_rival": (
        "What do you want, #you#? #small.cap#.",
        "Make it quick, #you#. #small.cap#.",
        "#you#. I was just leaving #place#.",
        "Say your piece, #you#; #small#.",
    ),
    "greet_back_stranger": (
        "#me#. Pleased to meet you, #you#. #small.cap#.",
        "I'm #me#. Welcome to #place#, #you#. #small.cap#.",
        "#me#, and glad of it. #small.cap#.",
    ),
    # --- topics (the speaker's) ------------------------------------------------------------
    "news_open": (
        "Have you heard?",
        "Listen to this.",
        "You'll want to know this.",
        "Here's a thing.",
        "Keep this under your hat, but",
        "I can hardly believe it, but",
        "Word in #place# is",
        "Between you and me,",
    ),
    "news_close": (
        "#source.cap# swore to it.",
        "I had it from #source#.",
        "#source.cap# told me #daypart#.",
        "That's what #source# says, anyway.",
        "Don't say I told you.",
        "Make of that what you will.",
    ),
    "topic_fact": ("#news_open# #fact.cap#. #news_close#",),
    "topic_gathering": (
        "#news_open# #fact.cap#. You should come.",
        "#news_open# #fact.cap#. Will you be there? #news_close#",
        "#news_open# #fact.cap#. Half of #place# means to go.",
    ),
    "topic_deed": (
        "I saw it with my own eyes: #fact#.",
        "You won't believe it: #fact#.",
        "#fact.cap#. I was there, #daypart#.",
        "#news_open# #fact#. I saw it myself.",
    ),
    "topic_memory": (
        "I keep thinking of something. #memory#",
        "Did I ever tell you? #memory#",
        "It came back to me #daypart#: #memory#",
        "#place# always reminds me. #memory#",
    ),
    "topic_lore": (
        "Do you know the tale of #lore#? #lore_summary#",
        "The old stories say it: #lore_summary#",
        "I was thinking of #lore# again #daypart#. #lore_summary#",
        "#place# puts me in mind of #lore#. #lore_summary#",
    ),
    "topic_secret": (
        "Between us, and only us: #lore_summary#",
        "Keep this within #my_faction#. #lore_summary#",
        "You're one of us, so I'll say it: #lore_summary#",
    ),
    "topic_person": (
        "Have you seen #subject# lately? #opinion.cap#.",
        "What do you make of #subject#? #opinion.cap#, I think.",
        "I was with #subject# not long ago. #opinion.cap#.",
        "Do you know #subject#? #opinion.cap#.",
        "#subject# was asking after you #daypart#. #opinion.cap#.",
    ),
    "topic_famous": (
        "I saw #subject# pass through #place# #daypart#. #opinion.cap#.",
        "Everyone's talking of #subject# again. #opinion.cap#.",
        "#subject# came by not long ago. #opinion.cap#.",
    ),
    "topic_goal": (
        "I mean to #goal#.",
        "I keep thinking I should #goal#.",
        "Would you help me #goal#?",
        "Someday I will #goal#, you'll see.",
        "All #daypart# I've thought of how to #goal#.",
        "#place# is no place to #goal#, is it?",
        "What would you say if I told you I mean to #goal#?",
    ),
    "topic_faction_same": (
        "These are hard days for #my_faction#. We must #aim#.",
        "What do you hear within #my_faction#? Our aim is still to #aim#.",
        "I wonder if #my_faction# can truly #aim#.",
        "Is it true #my_faction# will #aim# before long?",
    ),
    "topic_faction_friendly": (
        "#their_faction# and #my_faction# get on well these days, don't they?",
        "I've nothing but respect for #their_faction#, you know.",
        "Tell me, how do things stand in #their_faction#?",
        "What does #their_faction# make of #my_faction# these days?",
    ),
    "topic_faction_rival": (
        "#their_faction# had better keep out of #my_faction#'s way.",
        "I hear #their_faction# are up to something again.",
        "How can you stand with #their_faction#, #you#?",
    ),
    "topic_place": (
        "What do you make of #place# #daypart#?",
        "#weather.cap#. Do you ever tire of #place#?",
        "I could stay in #place# all #daypart#.",
        "Do you think #place# is changing?",
    ),
    "topic_belief": ("I've come to think this: #belief#", "Something I'm sure of now: #belief#"),
    # --- answers (the listener's, to the topic) ---------------------------------------------
    "answer_news": (
        "#fact.cap#? News to me, #you#.",
        "Truly? I hadn't heard that #fact#.",
        "That #fact#! I'll remember it.",
        "Well! #fact.cap#. Who'd have thought.",
    ),
    "answer_known": (
        "I'd heard that #fact#, #you#.",
        "Yes, #fact#. Old news by now.",
        "I know. Everyone's saying #fact#.",
    ),
    "answer_gathering_yes": (
        "Then I'll be there, #you#. #small.cap#, but I'll come.",
        "I wouldn't miss it. #place# can spare me a while.",
        "A gathering! Count me in, #you#.",
    ),
    "answer_gathering_no": ("Not for me, #you#. Crowds tire me.", "I'll think on it. #small.cap#."),
    "answer_deed": (
        "#fact.cap#? That bodes ill.",
        "I'd not have believed #fact# from anyone else.",
        "#fact.cap#. What is #place# coming to?",
    ),
    "answer_memory_warm": (
        "I'm glad you told me that, #you#. #small.cap#, but that warms me.",
        "That stays with you, doesn't it? I'll remember it #later#.",
    ),
    "answer_memory_cool": (
        "We all carry something like that. #small.cap#.",
        "Hm. And what did you do then, #you#?",
    ),
    "answer_lore_known": (
        "I know the tale of #lore#. They tell it differently in #place#.",
        "Aye, #lore#. Who doesn't, in #my_faction#?",
    ),
    "answer_lore_new": (
        "I never heard of #lore#. Tell me more #later#.",
        "#lore.cap#? I'll ask around #place#.",
    ),
    "answer_secret": (
        "I'll keep #lore# close, #you#.",
        "Not a word of #lore# leaves #my_faction#.",
        "Hush. Not in #place#, not #daypart#.",
    ),
    "answer_person_fond": (
        "#subject# is a good soul.",
        "I'd trust #subject# with my life.",
        "You'd like #subject# better if you knew them.",
        "#subject#? I saw them in #place# and was glad of it.",
    ),
    "answer_person_cool": (
        "#subject#? Hard to read.",
        "We get along, #subject# and I. Mostly.",
        "#subject# keeps to themself, I find.",
    ),
    "answer_person_cold": (
        "Keep your distance from #subject#.",
        "I wouldn't trust #subject#.",
        "Trouble follows #subject#, in #place# or anywhere.",
    ),
    "answer_person_unknown": (
        "I've never met #subject#.",
        "#subject#? The name means nothing to me.",
        "Should I know #subject#? I'll look out for them #later#.",
    ),
    "answer_goal_warm": (
        "Then #goal# you shall. I'll help if I can.",
        "If anyone can #goal#, it's you.",
        "To #goal#! I'd like to see that, #you#.",
    ),
    "answer_goal_cool": (
        "To #goal#? That's a long road.",
        "Hm. Why #goal#, of all things?",
        "You'll not #goal# sitting in #place#.",
    ),
    "answer_goal_cold": ("You'll never #goal#.", "Good luck trying to #goal#.", "You? #goal.cap#? Hardly."),
    "answer_faction_agree": (
        "Just so. We will #aim#, you'll see.",
        "I feel the same about #my_faction#. #small.cap#, but I've faith.",
        "#my_faction# will #aim#, or I'm no member of it.",
    ),
    "answer_faction_defend": (
        "Watch your tongue about #my_faction#.",
        "In #my_faction# we answer to no one, least of all #their_faction#.",
        "Say that again in #place# and see what happens.",
    ),
    "answer_faction_mild": (
        "We do our best in #my_faction#.",
        "We have our troubles in #my_faction#, as they do in #their_faction#.",
        "Well enough, I'd say. #small.cap#.",
    ),
    "answer_place": (
        "#place# suits me well enough #daypart#.",
        "#weather.cap#, I'd say.",
        "#small.cap#, if I'm honest.",
    ),
    "answer_belief_agree": ("You may be right, #you#.", "I've felt that too, #daypart# more than ever."),
    "answer_belief_doubt": ("I'm not so sure, #you#.", "That's one way to see it."),
    # an answer may pass on a fact of the listener's own
    "swap": (
        " And have you heard? #their_fact.cap#.",
        " Speaking of news: #their_fact#.",
        " Now tell no one, but #their_fact#.",
        " And here's one for you: #their_fact#.",
    ),
    # --- reactions (the speaker's, to the answer) -------------------------------------------
    "react_news": (
        "Pass it on, then.",
        "Now you know as much as I do.",
        "Tell whoever you see in #place#.",
        "I thought you'd want to know, #you#.",
    ),
    "react_swap": (
        "#their_fact.cap#? I'll be telling that one.",
        "Is that so! #their_fact.cap#...",
        "#their_fact.cap#! Wait till #place# hears.",
    ),
    "react_agree": (
        "Glad we see it the same way, #you#.",
        "So say I.",
        "That's the truth of it.",
        "Yes. Yes, just so.",
        "We think alike, you and I.",
        "I knew you'd understand, #you#.",
        "Then we're agreed, #you#.",
        "Couldn't have put it better myself.",
        "Exactly what I was thinking.",
        "There's sense in you, #you#.",
    ),
    "react_disagree": (
        "Have it your way, #you#.",
        "We'll see who's right.",
        "Suit yourself.",
        "Hm. If you say so.",
        "I'll not argue it here, #you#.",
        "You'll come round, #you#.",
        "That's not how I see it.",
        "Time will tell, #you#.",
    ),
    "react_thanks": (
        "Thank you, #you#. That means something.",
        "I'll hold you to that.",
        "You're kind, #you#.",
        "I won't forget that, #you#.",
        "That's good of you.",
        "You're a true friend, #you#.",
    ),
    "react_curious": (
        "Hm. I'll think on that.",
        "Maybe so, #you#.",
        "Is that so.",
        "Now there's a thought.",
        "I hadn't looked at it that way, #you#.",
        "You may be right at that.",
        "I'll turn that over tonight.",
        "Funny you should say so, #you#.",
        "There's more to you than I thought, #you#.",
        "I'll ask around about that.",
    ),
    # A word of the moment after a line; no "still" or "though", which would set it against
    # something the line never said.
    "tail": (
        " #small.cap#.",
        " #small.cap#, mind you.",
        " And #small#, too.",
        " Anyway, #small#.",
        " We'll speak of it #later#; #small#.",
    ),
    # --- farewells --------------------------------------------------------------------------
    "bye": ("Take care", "Go well", "Until #until#", "Farewell", "Mind how you go", "I'll see you", "Be well"),
    # what "Until ..." can wait for: #later#'s "at the next bell" made "Until at the next bell"
    "until": ("tomorrow", "the next bell", "the lamps are lit", "another day", "the next market", "we meet again"),
    "parting": (
        "I must #my_goal#.",
        "See you in #place#.",
        "#daypart.cap# won't last.",
        "I've still to #my_goal#.",
        "Don't stay out in #place# too late.",
        "#small.cap#, so I'll be off.",
    ),
    "farewell_warm": ("#bye#, #you#. #parting#", "#bye#, dear #you#. #parting#"),
    "farewell_plain": ("#bye#, #you#. #parting#", "Well, I'd best be off. #parting#"),
    "farewell_cold": ("Don't let me keep you.", "We're done here, #you#.", "Off you go, #you#. #parting#"),
}

# How a character feels, in words, by its mood (the `#feeling#` binding).
FEELINGS = {
    "joy": ("cheerful", "light of heart", "in high spirits"),
    "curiosity": ("restless with questions", "curious about everything", "itching to know things"),
    "melancholy": ("low", "heavy-hearted", "a little lost"),
    "unease": ("on edge", "uneasy", "jumpy"),
    "intensity": ("fired up", "impatient", "burning to get on"),
    "wonder": ("full of wonder", "dazzled", "in awe of it all"),
    "calm": ("at ease", "steady", "rested"),
    "warmth": ("fond of everyone", "glad of company", "warm inside"),
    "anger": ("sore at the world", "bitter", "in no mood to forgive"),
    "aloofness": ("above it all", "keeping my own counsel", "not much moved by anything"),
    "contentment": ("content", "easy in myself", "glad to take things as they come"),
}

DAYPARTS = {
    "night": ("tonight", "this night"),
    "dawn": ("at this hour", "this dawn"),
    "morning": ("this morning", "today"),
    "afternoon": ("this afternoon", "today"),
    "evening": ("this evening", "tonight"),
}

# What one without a goal to name is about (the `#my_goal#` binding then).
ERRANDS = (
    "get on with my day",
    "find something warm to eat",
    "rest my feet a while",
    "look in on a neighbour",
    "mend a torn sleeve",
    "fetch water before dark",
)
