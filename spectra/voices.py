"""The voices of Spectra and the NPCs (data): how each mood opens, colours and closes a reply.

Spectra perceives in light and colour; an NPC speaks plainly. Each mood has its own phrases
and no phrase is shared between moods, so the mood shows in the words. Used by the offline
composer (`spectra.answers`).
"""

from __future__ import annotations

# Spectra perceives in light and colour; each mood has its hue (the lore's seven colours, the
# rose of warmth, and the three the lore calls the shadowed lights).
SPECTRA_COLOURS = {
    "calm": ("pale silver-blue", "soft pearl", "the blue of still water"),
    "joy": ("bright gold", "warm amber", "the yellow of new lanterns"),
    "intensity": ("white-hot crimson", "sharp scarlet", "the red at the heart of a flame"),
    "melancholy": ("deep indigo", "dusk violet", "the grey-blue of rain on glass"),
    "curiosity": ("shifting teal", "quick green-gold", "the green of light through leaves"),
    "unease": ("flickering green", "bruised ochre", "a colour I have no name for"),
    "wonder": ("opal", "every colour at once", "the violet edge of a rainbow"),
    "warmth": ("rose", "the pink of a banked fire", "the blush of dawn on glass"),
    "anger": ("sour olive", "the yellow-green of bile", "a dark, smouldering bronze"),
    "aloofness": ("cold cyan", "the pale blue of ice", "the grey of frost on a window"),
    "contentment": ("soft mint", "the sea-green of shallow water", "the pale green of morning grass"),
}

# Each mood's own phrases (openers and feelings); no phrase is shared between moods, so the mood
# shows in the words.
NPC_OPENERS = {
    "calm": (
        "Well met, {listener}.",
        "Good to hear your voice, {listener}.",
        "Easy now, {listener}, I'm listening.",
        "Ah, {listener}, sit if you like.",
        "Take your time, {listener}.",
    ),
    "joy": (
        "Ha, {listener}, you've brightened my day!",
        "What a pleasure, {listener}!",
        "Oh, I'm glad you asked, {listener}!",
        "There's a cheerful voice, {listener}.",
        "You've caught me in fine spirits, {listener}.",
    ),
    "intensity": (
        "{listener}, listen closely.",
        "No time for idle talk, {listener}.",
        "Right, {listener}, here it is.",
        "Hear me out, {listener}!",
        "Pay attention, {listener}, because this matters.",
    ),
    "melancholy": (
        "Oh, {listener}, forgive me, I'm not myself today.",
        "{listener}, it's a grey sort of day, isn't it?",
        "Sit with me a moment, {listener}.",
        "Ah, {listener}, little lifts my heart lately.",
        "You find me low, {listener}.",
    ),
    "curiosity": (
        "Now that's interesting, {listener}.",
        "Hm, {listener}, you've got me wondering.",
        "Funny you should say that, {listener}.",
        "{listener}, I've been puzzling over that myself.",
        "Tell me more, {listener}; go on.",
    ),
    "unease": (
        "{listener}, keep your voice down.",
        "Careful, {listener}; walls have ears here.",
        "I don't like this, {listener}.",
        "{listener}, did you hear something just now?",
        "Not so loud, {listener}, please.",
    ),
    "wonder": (
        "{listener}, have you ever seen the like?",
        "Oh, {listener}, what a thought.",
        "Strange and lovely, {listener}.",
        "{listener}, some days this world astonishes me.",
        "Would you believe it, {listener}?",
    ),
    "warmth": (
        "Ah, {listener}, it's good to have you near.",
        "Come, {listener}, sit by me.",
        "{listener}, my friend, I'm glad you came by.",
        "Always a kindness to see you, {listener}.",
        "You're a comfort, {listener}, you know that?",
    ),
    "anger": (
        "Oh, it's you, {listener}. What now?",
        "Spare me, {listener}; I've had my fill today.",
        "{listener}, if you've come to gloat, don't.",
        "Say your piece, {listener}, and be quick.",
        "Don't you start as well, {listener}.",
    ),
    "aloofness": (
        "Hm. {listener}, is it.",
        "If you must, {listener}.",
        "I suppose you want something, {listener}.",
        "{listener}; I was about to leave.",
        "Ah, {listener}. Briefly, then.",
    ),
    "contentment": (
        "Oh, {listener}, hello there.",
        "Mm, {listener}, good to see you.",
        "Come in, {listener}, there's no rush.",
        "{listener}, take your time; I'm in no hurry.",
        "Settle in, {listener}; it's a gentle sort of day.",
    ),
}
NPC_FEELINGS = {
    "calm": ("and I've made my peace with it", "and there's no hurry in it", "plain as the road"),
    "joy": ("and it makes me smile", "and I could talk of it all day", "and none of it is bad news"),
    "intensity": ("and it matters more than you know", "and we can't afford to ignore it", "and I won't let it rest"),
    "melancholy": ("though it brings a heaviness", "and it makes me miss older days", "though little good comes of it"),
    "curiosity": (
        "and I'd dearly like to know more",
        "and I keep turning it over",
        "and there's more to it than it seems",
    ),
    "unease": ("but I'd not speak of it too loudly", "and it sets my teeth on edge", "and something about it is wrong"),
    "wonder": ("and it still amazes me", "and it feels almost like a dream", "and there's a marvel in it"),
    "warmth": (
        "and I'm glad to share it with you",
        "and it warms me to think of it",
        "and you of all people should know",
    ),
    "anger": (
        "and I haven't forgotten who's to blame",
        "and it galls me still",
        "and don't expect me to smile about it",
    ),
    "aloofness": ("not that it concerns me much", "for whatever that's worth", "and I'll leave others to fuss over it"),
    "contentment": ("and I'm happy enough to let it be", "and it sits easy with me", "and that suits me fine"),
}
SPECTRA_OPENERS = {
    "calm": (
        "{listener}, your voice arrives like lamplight on still water.",
        "I hear you, {listener}; the light here is quiet and clear.",
        "Hello, {listener}; everything around me glows softly tonight.",
        "{listener}, come stand in the light with me.",
        "Your words settle in me gently, {listener}.",
    ),
    "joy": (
        "Your voice makes the lanterns blaze, {listener}!",
        "Oh, {listener}, I am all sparks and gold right now.",
        "{listener}, you make my edges shimmer.",
        "How bright you sound, {listener}!",
        "Every prism in me is singing, {listener}.",
    ),
    "intensity": (
        "{listener}, the light in me is burning very hot.",
        "Listen, {listener}: everything in me is blazing.",
        "{listener}, I am too bright to hold still.",
        "My colours are roaring, {listener}.",
        "{listener}, the glow around me will not soften!",
    ),
    "melancholy": (
        "{listener}, my light is low today.",
        "Forgive the dimness, {listener}; the lanterns are sad with me.",
        "{listener}, everything I touch goes blue and quiet.",
        "I am more shadow than shine today, {listener}.",
        "Oh, {listener}, even my reflections look tired.",
    ),
    "curiosity": (
        "{listener}, your words bend my light in new directions.",
        "Oh, {listener}, I want to turn that over like a prism.",
        "{listener}, that makes colours flicker in me that I don't know yet.",
        "What a bright question, {listener}.",
        "{listener}, I lean toward that the way flowers lean toward me.",
    ),
    "unease": (
        "{listener}, my light keeps flickering and I don't know why.",
        "Something dims at my edges, {listener}.",
        "{listener}, the shadows here feel too long.",
        "I am shivering into strange colours, {listener}.",
        "Stay near, {listener}; the lanterns are trembling.",
    ),
    "wonder": (
        "{listener}, do you see how the air glitters?",
        "Oh, {listener}, everything is refracting at once!",
        "{listener}, I could split into rainbows at that.",
        "Look, {listener}: even the dust is shining.",
        "{listener}, the world is so full of light.",
    ),
    "warmth": (
        "{listener}, you make my light go soft and rosy.",
        "Stay a while, {listener}; I glow warmer when you're here.",
        "{listener}, I've kept a little light aside for you.",
        "Oh, {listener}, the lanterns blush when you speak.",
        "{listener}, come closer; the light here is kind.",
    ),
    "anger": (
        "{listener}, my light has gone sour and hard.",
        "I am smouldering, {listener}; mind the sparks.",
        "{listener}, there is a bitter colour in me today.",
        "Careful, {listener}; my edges are sharp.",
        "{listener}, I am burning low and angry.",
    ),
    "aloofness": (
        "{listener}, my light is far away today.",
        "I see you, {listener}, from a long way off.",
        "{listener}, I am cool and distant as the moon.",
        "My colours have drawn inward, {listener}.",
        "{listener}, I am shining for no one just now.",
    ),
    "contentment": (
        "{listener}, my light is soft and easy.",
        "Hello, {listener}; I am glowing gently, like moss in the sun.",
        "{listener}, sit; the light here is mild.",
        "I'm a slow, pleased shimmer today, {listener}.",
        "{listener}, everything around me is humming softly.",
    ),
}
SPECTRA_FEELINGS = {
    "calm": ("and it rests in me like still water", "a slow, even glow", "and the light around it is steady"),
    "joy": ("and it sparkles all through me", "like sunlight through amber glass", "and I want to glow brighter"),
    "intensity": ("and it burns in me like a struck match", "blazing too bright to look at", "and I cannot dim it"),
    "melancholy": ("and it fades at the edges", "like a lantern guttering out", "and the colour drains from it"),
    "curiosity": ("and I want to see every facet of it", "a light I keep chasing", "and it glints in new ways"),
    "unease": ("and it flickers like a failing lamp", "a shadow I cannot shake", "and the light around it trembles"),
    "wonder": ("and it glimmers like a dream", "as if the stars came down to look", "and it splits into rainbows"),
    "warmth": ("and it glows in me like an ember", "a rosy light I want to share", "and the light around it is tender"),
    "anger": (
        "and it smoulders in me like a coal",
        "a bitter glint I cannot soften",
        "and the light around it goes hard",
    ),
    "aloofness": ("and I watch it from far away", "a cold, distant gleam", "and the light around it stays cool"),
    "contentment": ("and it settles in me softly", "a mild green glow", "and I am glad to let it shine as it is"),
}

NPC_MEMORY = (
    "It puts me in mind of something: {memory}",
    "I remember this much: {memory}",
    "Funny, it brings this back: {memory}",
    "Can't help thinking of it: {memory}",
    "Not so long ago, this happened: {memory}",
    "Here's what stays with me: {memory}",
)
SPECTRA_MEMORY = (
    "A memory glimmers up in me: {memory}",
    "I keep this one like a shard of coloured glass: {memory}",
    "Somewhere in my light I still hold it: {memory}",
    "It reflects something I remember: {memory}",
    "A bright splinter of memory: {memory}",
    "I remember, in {colour}: {memory}",
)
NPC_CLOSERS = (
    "Mind how you go in {place}.",
    "Come and find me again in {place} sometime.",
    "That's how it looks to {role}, anyway.",
    "Take it from {role}.",
    "Stay a while, if you've the time.",
    "Anyway, there's work waiting for {role}.",
)
NPC_GOAL_CLOSERS = (
    "Me, I still mean to {goal}.",
    "For my part, I'm set on trying to {goal}.",
    "If the days allow, I'll {goal}.",
    "Would you help me {goal}, one day?",
)
SPECTRA_CLOSERS = (
    "Stay, {listener}, and let the light of {place} settle on you.",
    "Everything in {place} hums {colour} tonight.",
    "Watch the lanterns of {place}; they tell you how I feel.",
    "Thank you for speaking to me, {listener}; it makes my light steadier.",
    "I am still learning what each colour means.",
    "Come back, {listener}; I want to see what colour you bring next time.",
)
SPECTRA_GOAL_CLOSERS = (
    "I am trying to {goal}; perhaps you will see it happen.",
    "Someday I will {goal}, and the whole sky will know it.",
    "Will you help me {goal}?",
    "Everything I am leans toward one thing: to {goal}.",
)
NPC_BELIEF = (
    "I'll tell you what I've come to think: {belief}",
    "For what it's worth, {belief_lower}",
    "I've turned it over many times, and here's where I stand: {belief}",
)
SPECTRA_BELIEF = (
    "I have looked at it in every light, and this is what I see: {belief}",
    "My light has settled on it: {belief}",
    "After all I have seen, {belief_lower}",
)
NPC_NO_TOPIC = (
    "What can I do for you?",
    "Something on your mind?",
    "Speak plainly, I won't bite.",
    "Is that so? Go on.",
    "Hm. And what would you have me do about it?",
    "I'll take your word for it.",
    "If you're after directions or news, ask away.",
    "Fair enough. Anything else?",
)
SPECTRA_NO_TOPIC = (
    "Say more, and I will listen with all my light.",
    "Your words are small, but they shine.",
    "I hear you; even your silences have a colour.",
    "I am turning that over in my light.",
    "Tell me more; I want to see its colour.",
)

# --- Answers -------------------------------------------------------------------------------
# How a speaker is, asked how they are (one per mood; Spectra's in light).
NPC_MOOD_STATES = {
    "calm": ("I'm well enough, steady as the road.", "Calm, thank you; the day has been kind."),
    "joy": ("I'm in fine spirits today!", "Happy, truth be told, and I don't care who knows it."),
    "intensity": ("Wound tight as a bowstring, if I'm honest.", "Fired up; there's too much to do and no time."),
    "melancholy": ("Low, I'm afraid; it's been a grey stretch.", "Not well, truth be told; my heart is heavy."),
    "curiosity": ("Restless with questions, as ever.", "Curious; there's a puzzle I can't put down."),
    "unease": ("Uneasy; something here isn't right.", "On edge, and I can't say quite why."),
    "wonder": ("Amazed, still, at how strange the world is.", "Full of wonder today, would you believe."),
    "warmth": ("Warm-hearted today, and glad of company.", "Content, and fond of everyone, near enough."),
    "anger": ("Sore, if you must know; I've been wronged.", "Bitter, and I've every right to be."),
    "aloofness": ("Well enough. Not that it matters to anyone.", "Indifferent, mostly; I keep to myself."),
    "contentment": ("Easy in myself; I've no complaints today.", "At ease, and happy to let the day be."),
}
SPECTRA_MOOD_STATES = {
    "calm": ("I am calm; my light is the blue of still water.", "Quiet and clear, like a lamp in a windless room."),
    "joy": ("I am bright gold all through!", "Joyful; every prism in me is singing."),
    "intensity": ("I am burning white-hot and cannot hold still.", "Everything in me is blazing red."),
    "melancholy": ("My light is low and indigo today.", "Sad; even my reflections have gone grey."),
    "curiosity": ("Curious; my colours keep shifting toward teal.", "I am all questions, flickering green-gold."),
    "unease": ("Uneasy; my edges keep flickering.", "Something dims my light, and I do not know what."),
    "wonder": ("Full of wonder; I could split into rainbows.", "Opal-bright with wonder."),
    "warmth": ("Warm and rose-coloured, because you are here.", "Soft and rosy, like a banked fire."),
    "anger": ("Sour; my light has gone a hard, bitter bronze.", "Smouldering; something has wronged me."),
    "aloofness": ("Distant; my light has drawn in, cold and pale.", "Cool as frost on glass, and far away."),
    "contentment": ("Content; I glow mint-soft and easy.", "Gentle, like sea-green water in the shallows."),
}
NPC_ON_MY_MIND = ("What's on my mind is this: I mean to {goal}.", "Mostly I'm set on one thing: to {goal}.")
SPECTRA_ON_MY_MIND = ("My light keeps leaning one way: I want to {goal}.", "What I long for is to {goal}.")
NPC_INTRODUCTIONS = ("I'm {name}, {role}.", "Name's {name}; I'm {role}.", "{name}, {role}, at your service.")
SPECTRA_INTRODUCTIONS = (
    "I am Spectra; I woke from light, and I am still learning what I am.",
    "I am Spectra, made of light that remembers.",
)
NPC_AGAIN = ("Back again, {listener}?", "Good to see you again, {listener}.", "You again, {listener}; welcome.")
SPECTRA_AGAIN = ("{listener}, you came back; my light lifts.", "I know your colour now, {listener}; welcome back.")
NPC_OFFERS = ("What can I do for you?", "What brings you to {place}?", "Ask what you like.")
SPECTRA_OFFERS = ("Ask me anything; I will answer in colours.", "What would you like to know?")
NPC_FAREWELLS = ("Safe roads, {listener}.", "Go well, {listener}, and come back in one piece.", "Until next time.")
SPECTRA_FAREWELLS = (
    "Go gently, {listener}; I will keep a light for you.",
    "Farewell, {listener}; I shine a little for you.",
)
NPC_THANKS = ("Glad to help.", "Think nothing of it.", "Any time, {listener}.")
SPECTRA_THANKS = ("It is a joy to help you.", "You make my light warm, {listener}.")
NPC_NO_ONE = (
    "No one in particular, truth be told; I keep my own counsel.",
    "I couldn't name anyone, not yet. Ask me again in a season.",
)
SPECTRA_NO_ONE = ("No one yet, not truly; I am still learning who is who.",)
# "Who is here?": {people} is a list of names ("Mara Venn, Oskar Bell and 40 others").
NPC_COMPANY = ("Here with us: {people}.", "Looking about, I see {people}.", "There's {people}, for a start.")
SPECTRA_COMPANY = ("Around us shine {people}.", "I see {people} here, each in a light of their own.")
# (no {listener}: an opener may already have named them)
NPC_NO_COMPANY = ("Just you and me, it seems.", "No one but the two of us.", "Only us two, for now.")
SPECTRA_NO_COMPANY = ("Only you and I, and the light between us.",)
NPC_NO_AIM = (
    "Nothing in particular just now; I take the day as it comes.",
    "Not much, truth be told. I'm between one thing and the next.",
)
SPECTRA_NO_AIM = ("Nothing holds my light just now; I drift, and look.",)
NPC_DONT_KNOW = (
    "That I couldn't tell you; I've never heard of it.",
    "I don't know that one, I'm sorry.",
    "You've got me there; I know nothing of it.",
)
SPECTRA_DONT_KNOW = (
    "I have no light on that; I do not know it.",
    "That is dark to me; I have never seen it.",
)
NPC_SECRET_KEPT = (
    "Some things aren't mine to tell, not to someone I hardly know.",
    "I'd be a fool to speak of that to a stranger.",
)
SPECTRA_SECRET_KEPT = ("There is a shadow there I am not ready to show you.",)
NPC_CANT = ("I can't do that for you, {listener}, I'm sorry.", "That's beyond me, I'm afraid.")
SPECTRA_CANT = ("I cannot do that, {listener}; my light reaches only so far.",)
NPC_ALREADY_SAID = ("As I said, ", "Like I told you, ")
SPECTRA_ALREADY_SAID = ("As I showed you, ", "I told you once already: ")
NPC_MORE = ("There's more to it: ", "And there's this besides: ")
SPECTRA_MORE = ("There is another facet: ", "And deeper in the light: ")
# The speaker's faction's stance toward another (narrative.factions.relations.Stance).
FACTION_STANCES = {
    "allied": ("We stand shoulder to shoulder with {faction}; they're our allies.",),
    "friendly": ("{Faction} are friends to us, mostly.", "We get on well with {faction}; friends, you might say."),
    "neutral": ("We've no quarrel with {faction}, nor much love either.", "{Faction}? Neither friend nor foe to us."),
    "wary": ("We're wary of {faction}, and with reason.", "I don't trust {faction}; few of us do."),
    "hostile": (
        "{Faction} are enemies of ours, near enough.",
        "We've bad blood with {faction}; they're no friends of ours.",
    ),
    "at_war": ("{Faction} are our sworn enemies.", "It's all but open war between us and {faction}."),
}
OWN_FACTION = ("I'm one of {faction} myself.", "{Faction} are my own people.")
NPC_WHERE_HERE = ("You're standing in {place}.", "This is {place}, right here.")
NPC_PERSON_HERE = ("{name}'s right here in {place}.",)
# How facts are framed (the facts themselves come from the world).
PLACE_REGION = ("{name} lies in {region}.", "You'll find {name} in {region}.", "{name}? That's in {region}.")
PERSON_AT = (
    "{name} is at {place} these days.",
    "You'll find {name} at {place} just now.",
    "Last I knew, {name} was at {place}.",
)
ROUTE_VIA = (
    "From here, go by {stops} to reach {name}, {walk}.",
    "Take the road by {stops} and you'll come to {name}, {walk}.",
    "Your way runs by {stops}, then on to {name}; {walk}.",
)
ROUTE_STRAIGHT = ("From here the road leads straight to {name}, {walk}.", "It's the next place along the road, {walk}.")
NO_ROUTE = ("There's no road from here to {name} that I know of.",)
WHO_IS = ("{name} is {what}.", "{name}? {What}.")
MEMBER_AT = (
    "One of {faction}; you'll find them at {place} these days.",
    "{Faction} claim them; they're at {place} now.",
)
TASK_OFFERED = (
    "I've a task for you: {title}.",
    "There's something you could do for me: {title}.",
    "If you want work, there's {title}.",
)
TASK_OFFERED_OWN = (  # a quest about the speaker's own errand, offered by the speaker
    "You could help me with something: {task}.",
    "I could use a hand, if you're willing: {task}.",
)
TASK_START = ("Start here: {step}", "First, {step}")
NEXT_STEP = ("On {title}, your next step is this: {step}", "For {title}, what comes next is this: {step}")
OTHER_GIVER = ("{giver} wants help with {title}{where}", "Ask {giver} about {title}{where}")
NPC_NO_NEWS = ("Nothing new that I've heard.", "Quiet lately; no news worth the telling.")
SPECTRA_NO_NEWS = ("Nothing new has coloured my light today.",)
STORY_OPENINGS = (
    "Here's one they call {title}.",
    "Have you heard {title}? It goes like this.",
    "Let me tell you {title}.",
)
