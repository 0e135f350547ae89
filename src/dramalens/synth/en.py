"""English word pools and sentence builders for the synthetic corpus (see synth.py).

Same approach as synth_zh: sentences composed from many small parts, each work drawing a
slice of every pool, names as placeholders (``⟨P⟩`` in text, ``⟪P⟫`` upper-case for cues).
"""

from __future__ import annotations

# fmt: off
FEMALE = ("Maya", "Ava", "Chloe", "Lucia", "Iris", "Nora", "Elena", "Sienna", "Hazel", "Violet", "Stella", "Ruby", "Clara", "Ivy", "Lila",
          "Mila", "Harper", "Naomi", "Quinn", "Sadie", "Tessa", "Wren", "Zara", "Aurora", "Delia", "Fiona", "Gemma", "Jade", "Kira", "Leah",
          "Mara", "Nina", "Paige", "Rosa", "Selena", "Talia", "Vera", "Willa", "Yara", "Bianca", "Celeste", "Daphne", "Esme", "Freya")
MALE = ("Ethan", "Liam", "Adrian", "Damien", "Lucas", "Sebastian", "Caleb", "Julian", "Dominic", "Rhys", "Marcus", "Nathan", "Owen",
        "Silas", "Tristan", "Vincent", "Xavier", "Zane", "Gavin", "Hunter", "Jasper", "Kai", "Logan", "Miles", "Nico", "Oscar",
        "Preston", "Roman", "Theo", "Victor", "Wesley", "Axel", "Blake", "Cole", "Dante", "Elias", "Felix", "Grant", "Hugo", "Ian")
SURNAMES = ("Cross", "Sterling", "Blackwood", "Hale", "Vance", "Locke", "Rivers", "Monroe", "Ashford", "Knight", "Wilde", "Drake",
            "Carter", "Hayes", "Reed", "Frost", "Grayson", "Lane", "Mercer", "Pierce", "Quinlan", "Rhodes", "Sinclair", "Thorne",
            "Whitaker", "Ellison", "Fairfax", "Harlow", "Kingsley", "Lyle", "Marlowe", "Prescott", "Sloane", "Vaughn", "Winslow")
CITIES = ("New York", "Chicago", "Seattle", "Boston", "Miami", "Los Angeles", "Denver", "Portland", "Austin", "Atlanta", "San Francisco",
          "Nashville", "Savannah", "Vancouver", "London", "Silver Creek", "Blackwater", "Moon Hollow", "Ravenwood", "Pine Ridge")
COMPANY_HEAD = ("Sterling", "Apex", "Northstar", "Crestview", "Ironclad", "Halcyon", "Meridian", "Obsidian", "Summit", "Vantage",
                "Aurelius", "Bellweather", "Cobalt", "Everest", "Granite", "Harbor", "Lionheart", "Monarch", "Pinnacle", "Silverline")
COMPANY_TAIL = ("Group", "Holdings", "Industries", "Capital", "Media", "Pharma", "Logistics", "Partners", "Ventures", "Labs")

LOCATIONS = {
    "home": ("LIVING ROOM", "BEDROOM", "KITCHEN", "STUDY", "BALCONY", "DINING ROOM", "FRONT PORCH", "GARDEN", "COUNTRY ESTATE", "APARTMENT"),
    "office": ("OFFICE", "CONFERENCE ROOM", "LOBBY", "BREAK ROOM", "ELEVATOR", "EXECUTIVE SUITE", "FILE ROOM", "PRESS ROOM"),
    "hospital": ("HOSPITAL ROOM", "HOSPITAL CORRIDOR", "EMERGENCY ROOM", "CLINIC", "SURGERY WAITING AREA"),
    "public": ("COFFEE SHOP", "HOTEL LOBBY", "BALLROOM", "PARKING GARAGE", "STREET", "ROOFTOP", "RIVERSIDE", "MALL", "BAR",
               "COURTHOUSE STEPS", "AIRPORT", "AUCTION HALL", "RESTAURANT", "ALLEY"),
    "ancient": ("THRONE ROOM", "PALACE GARDEN", "CHAMBERS", "GREAT HALL", "STABLES", "CASTLE GATE"),
    "fantasy": ("PACK HOUSE", "FOREST CLEARING", "MOONLIT RIDGE", "TRAINING GROUNDS", "ANCIENT LIBRARY", "CLIFF EDGE", "CABIN"),
    "period": ("FARMHOUSE", "GENERAL STORE", "TRAIN PLATFORM", "VILLAGE SQUARE", "BOARDING HOUSE", "DINER"),
    "campus": ("CLASSROOM", "LIBRARY", "DORM ROOM", "QUAD", "CAFETERIA", "GYM", "LECTURE HALL", "CAMPUS GATE"),
}

INTERJECTIONS = ("Enough", "Wait", "Listen", "Hey", "Fine", "Oh, please", "Unbelievable", "Stop", "Look at me", "Seriously", "Easy",
                 "Don't", "Go on", "Right", "Of course", "No", "Honestly", "Careful", "Say it", "Please", "Well", "Damn it",
                 "Hold on", "Relax", "Funny", "Not now",
    "Hey, hey", "Come on", "Okay", "Forget it", "Excuse me", "Oh", "Look", "Answer me", "Fine, then", "You know what")
SUBJECTS = ("you", "I", "he", "she", "we", "they", "your sister", "that man", "your brother", "nobody", "somebody")
ADVERBS = ("already", "really", "never", "secretly", "finally", "clearly", "always", "just", "actually", "honestly", "probably",
           "obviously", "still", "once", "quietly", "deliberately", "barely", "somehow", "apparently", "surely",
           "even", "simply", "carefully", "suddenly", "never once", "nearly")
VERBS = ("took", "hid", "found", "lost", "kept", "burned", "sold", "switched", "opened", "returned", "stole", "buried", "signed for",
         "recorded", "photographed", "mailed", "traded", "pawned", "dropped", "forged", "deleted", "collected", "locked away",
         "smuggled out", "replaced", "wrapped up", "left behind", "picked up", "handed over", "checked")
MODIFIERS = ("the old", "that", "the stolen", "your aunt's", "the cracked", "the sealed", "the second", "my grandmother's",
             "the missing", "that cheap", "the engraved", "the forged", "his spare", "the torn", "the silver", "the faded",
             "the unmarked", "her favorite", "the hidden", "the rusty", "the borrowed", "the last")
OBJECTS = ("ring", "file", "photo", "key", "phone", "recording", "necklace", "car keys", "pill bottle", "letter", "credit card",
           "invitation", "security footage", "ledger", "locket", "bracelet", "diary", "umbrella", "jacket", "business card", "earring",
           "pocket watch", "bank book", "medical chart", "flash drive", "portrait", "hairpin", "scarf", "pen", "photo album",
           "wallet", "brooch", "passport", "envelope", "keycard")
PLACES = ("in the car", "at the office", "under the bed", "in the safe", "at the gala", "in your drawer", "at the hospital",
          "by the river", "in the attic", "at the station", "behind the bar", "on the roof", "in the garden", "at the hotel", "last night", "this morning",
          "three days ago", "back then", "after the party", "before the gala")
TAILS = ("Admit it.", "Don't lie to me.", "I saw everything.", "You knew.", "Explain that.", "Or did you forget?", "Tell me I'm wrong.",
         "We're done here.", "Don't make me ask twice.", "You owe me that much.", "I'm not stupid.", "This ends tonight.",
         "I remember every word.", "You'll regret this.", "Stop pretending.", "Nobody gets hurt.", "Look me in the eye.",
         "I want answers.", "Think carefully.", "Say something.", "You promised.", "Not again.",
    "Tell me why.", "You had one job.", "I trusted you.", "Answer me.", "Don't walk away from me.", "Is that clear?", "You're shaking.", "Who else knows?", "How long?", "Keep your voice down.", "That's not an answer.", "Choose.", "Try again.", "I'm done waiting.", "Go ahead, deny it.")
PARENS = ("sneering", "quietly", "choking up", "through gritted teeth", "stunned", "smirking", "shouting", "coldly", "in disbelief",
          "tearful", "mocking", "trembling", "low", "raising an eyebrow", "taking a breath", "bitterly", "flatly", "urgently",
          "softly", "icily")
MANNERS = ("slowly", "abruptly", "quickly", "gently", "silently", "coldly", "unsteadily", "calmly", "instinctively", "hastily",
           "quietly", "deliberately", "stiffly", "carefully", "wordlessly", "casually")
ACTIONS = ("pushes the door open", "steps inside", "sets down the {obj}", "picks up the {obj}", "clutches the {obj}", "turns around",
           "looks at ⟨{r}⟩", "stops walking", "leans against the window", "slams the {obj} on the table", "pulls out a chair",
           "takes out the {obj}", "hands over the {obj}", "grabs ⟨{r}⟩'s hand", "steps back", "stands up", "stares at the {obj}",
           "blocks the doorway", "opens the {obj}", "grips ⟨{r}⟩'s wrist", "sizes ⟨{r}⟩ up", "pockets the {obj}",
           "pours a glass of water", "loosens his tie", "takes off her sunglasses", "switches off the lights",
    "tucks the {obj} into a drawer", "wipes the {obj} clean", "kicks the door shut", "drops onto the couch", "paces by the window", "checks the phone again", "turns the {obj} over in her hands", "locks the door behind her", "rips open the {obj}", "slides the {obj} across the table")
REACTIONS = ("eyes glistening", "a smirk tugging at the corner of the mouth", "face unreadable", "fingers trembling", "saying nothing",
             "jaw tight", "after a long pause", "gaze darkening", "breath catching", "knuckles white", "a flicker of panic in the eyes",
             "smile not reaching the eyes", "chest tightening", "voice shaking", "shaking with anger", "frozen in place", "eyes cold",
             "ears turning red", "forcing a calm expression", "brow furrowed", "avoiding eye contact", "swallowing hard",
    "lips pressed thin", "cheeks burning", "eyes narrowing", "shoulders rigid", "holding back tears", "pulse racing", "face draining of color", "color rising in the face", "arms folded tight", "a hollow laugh escaping")
SETTING = ("Rain streaks the windows.", "The lights are dim.", "A {obj} lies on the table.", "The room is a mess.", "A clock ticks on the wall.",
           "Dead silence.", "The door stands ajar.", "A siren wails in the distance.", "The air smells of antiseptic.",
           "Guests whisper behind their glasses.", "Curtains stir in the draft.", "A phone screen glows.",
           "Someone lingers at the end of the hall.", "Candles flicker.", "Snow piles against the glass.", "The crowd thins out.",
           "The coffee has gone cold.", "Neon bleeds across the glass.",
    "Wind rattles the shutters.", "A kettle screams in the next room.", "Boxes are stacked by the door.", "A TV murmurs with the sound off.", "Fairy lights blink over the bar.", "The floor is wet from the storm.", "Flowers wilt in a vase.", "A dog barks far away.", "Dust hangs in a shaft of light.", "The heater ticks.", "Paper cups crowd the counter.")
HOOKS = ("Footsteps sound outside the door.", "A text from an unknown number lights up the screen.", "A shadow moves behind ⟨{r}⟩.",
         "⟨{r}⟩'s phone hits the floor. The screen shatters.", "A document slides out of the bag.", "The lights cut out.",
         "⟨{r}⟩ spins around. Nobody is there.", "A black car idles below the window.", "A familiar voice comes over the line.",
         "The door bursts open.", "⟨{r}⟩ stares at the photo. Her pupils shrink.", "A second figure appears on the security feed.",
    "A ring box falls from ⟨{r}⟩'s coat.", "Glass shatters somewhere upstairs.", "The elevator doors open on a face nobody expected.", "A voicemail starts playing on its own.", "⟨{r}⟩'s hand freezes on the doorknob.", "Headlights sweep across the ceiling.", "A stranger in a gray coat raises a camera.", "The call drops mid-word.", "A drop of red lands on the white rug.", "Somebody knocks three times.", "⟨{r}⟩ reads the message twice and goes still.")

FUNCTION_CORES = {
    "meet": ("⟨a⟩ bumps into ⟨b⟩ at the {loc}.", "It is the first time ⟨a⟩ and ⟨b⟩ crossed paths.", "⟨a⟩ and ⟨b⟩ first met like this, by accident.",
             "⟨a⟩ bumped into ⟨b⟩ and spilled everything."),
    "contract": ("⟨a⟩ slides the marriage contract across to ⟨b⟩.", "⟨b⟩ signs the contract with a shaking hand.", "⟨a⟩ offers a fake marriage.",
                 "The marriage deal is sealed with a handshake.", "⟨a⟩ pushes a prenup toward ⟨b⟩."),
    "humiliation": ("⟨a⟩ humiliates ⟨b⟩ in front of everyone.", "⟨a⟩ calls ⟨b⟩ worthless.", "⟨a⟩ laughs at ⟨b⟩.", "⟨a⟩ slaps her across the face.",
                    "⟨a⟩ sneers: on your knees.", "⟨a⟩ mocks ⟨b⟩ as a loser."),
    "betrayal": ("⟨a⟩ betrays ⟨b⟩.", "⟨b⟩ learns ⟨a⟩ framed her.", "⟨a⟩ set her up from the start.", "⟨b⟩ catches ⟨a⟩ cheating on her.",
                 "⟨b⟩ realizes she was stabbed in the back."),
    "misunderstanding": ("⟨a⟩ gets the wrong idea about ⟨b⟩.", "⟨b⟩ pleads: let me explain.", "⟨a⟩ won't listen to ⟨b⟩.",
                         "It's not what it looks like, ⟨b⟩ insists.", "⟨a⟩ misunderstood everything."),
    "jealousy": ("⟨a⟩ is jealous of ⟨b⟩.", "⟨a⟩ burns with jealousy.", "⟨a⟩ watches ⟨b⟩, envious.", "Jealousy twists ⟨a⟩'s face."),
    "rescue": ("⟨a⟩ arrives just in time to rescue ⟨b⟩.", "⟨a⟩ shields her with his body.", "⟨a⟩ rescues ⟨b⟩ from the fire.",
               "⟨b⟩: you saved my life."),
    "reveal": ("⟨a⟩'s true identity is revealed.", "⟨a⟩ has ⟨b⟩'s lies exposed.", "The DNA test results arrive.", "⟨b⟩ finally learns the truth.",
               "⟨b⟩ whispers: so you are the one.", "⟨a⟩ is unmasked in front of everyone."),
    "reversal": ("⟨b⟩ goes pale.", "The tables turn in a heartbeat.", "⟨a⟩ turns the tables on everyone.", "⟨b⟩ begs for mercy.",
                 "Stunned silence fills the room.", "⟨b⟩ will regret it."),
    "revenge": ("⟨a⟩ swears ⟨b⟩ will pay for this.", "⟨a⟩ vows revenge.", "⟨a⟩ starts to get even.", "This is payback, ⟨a⟩ says.",
                "⟨a⟩ will avenge her family.",
                "⟨a⟩ promises ⟨b⟩ will pay for this.", "Over the {obj}, ⟨a⟩ tells ⟨b⟩: you will pay for this.",
                "At the {loc}, ⟨a⟩ decides ⟨b⟩ will pay for this."),
    "confession": ("⟨a⟩ confesses to ⟨b⟩.", "⟨a⟩ says: I love you.", "⟨a⟩ admits being in love with ⟨b⟩.", "⟨a⟩ confesses feelings for ⟨b⟩."),
    "wedding": ("⟨a⟩ kneels and proposes.", "⟨a⟩ asks: marry me.", "The wedding begins at noon.", "⟨b⟩ walks down the aisle."),
    "pregnancy": ("⟨a⟩ finds out she is pregnant.", "⟨a⟩ stares at the ultrasound.", "⟨a⟩ whispers: the baby is yours.",
                  "Morning sickness hits ⟨a⟩ again."),
    "separation": ("⟨a⟩ throws the divorce papers on the table.", "⟨a⟩ wants a divorce.", "⟨a⟩ and ⟨b⟩ break up.", "⟨a⟩ leaves town with one suitcase.",
                   "⟨a⟩ says goodbye forever."),
    "pursuit": ("⟨a⟩ begs for one more chance.", "⟨a⟩ will do anything to win her back.", "⟨a⟩ chases after her into the rain.",
                "⟨a⟩ begs her to come back."),
    "reconciliation": ("⟨a⟩ says: I forgive you.", "⟨a⟩ and ⟨b⟩ reconcile.", "They are back together at last.", "⟨a⟩ forgives ⟨b⟩."),
    "death": ("⟨a⟩ dies before dawn.", "⟨b⟩ stands silent at the funeral.", "⟨a⟩ takes a last breath holding the {obj}.", "⟨a⟩ passed away."),
    "rebirth": ("⟨a⟩ is reborn.", "⟨a⟩ wakes up years earlier.", "⟨a⟩ has a second life.", "Memories of a past life flood ⟨a⟩."),
    "transmigration": ("⟨a⟩ is transported to another world.", "⟨a⟩ wakes up in the body of a stranger.", "⟨a⟩ has been transported into a novel."),
    "kidnapping": ("⟨a⟩ has ⟨b⟩ kidnapped.", "⟨b⟩ is abducted.", "⟨a⟩ holds ⟨b⟩ hostage.", "Masked men kidnap ⟨b⟩."),
    "injury": ("⟨a⟩ is injured.", "⟨a⟩ collapses at the {loc}.", "⟨a⟩ is in critical condition.", "⟨a⟩ falls into a coma."),
    "contest": ("⟨a⟩ faces ⟨b⟩ in the competition.", "The tournament begins.", "⟨a⟩ enters the contest.", "⟨a⟩ and ⟨b⟩ start a bidding war.",
                "⟨a⟩ walks into the audition."),
    "triumph": ("⟨a⟩ takes over the company.", "⟨a⟩ inherits everything.", "⟨a⟩ is crowned.", "⟨a⟩ claims the CEO seat."),
}

TITLE_HEADS = ("The", "My", "Her", "His", "Once a", "The Secret", "The Rejected", "The Runaway", "The Hidden", "The Contract")
TITLE_NOUNS = ("Billionaire's", "Alpha's", "Don's", "CEO's", "Heiress", "Luna", "Bride", "Mate", "Wife", "Queen", "Doctor", "Twins")
TITLE_TAILS = ("Revenge", "Return", "Second Chance", "Secret", "Regret", "Deal", "Comeback", "Vow", "Game", "Reckoning", "Promise", "Crown")
IDENTITIES = ("a broke waitress", "a struggling nurse", "an overlooked intern", "a small-town girl", "a single mother", "a disowned heiress",
              "a night-shift cleaner", "a college student", "a discharged soldier", "a junior designer", "an orphan", "a rideshare driver")
HOOK_SYN = ("And this is only the beginning.", "A storm is coming.", "When it all comes out, who will be sorry?",
            "This time, she will not back down.", "Fate has other plans.", "The game has just begun.")
# fmt: on

# Trope mentions and story beats are composed too: who + verb + "cue" + tail, lead + core.
# fmt: off
TROPE_WHO = ("⟨{r}⟩", "Somebody", "The whole room", "The press", "The staff", "Her cousin", "A guest", "An old servant",
             "A neighbor", "An intern")
TROPE_VERB = ("keeps whispering", "won't stop talking about", "mutters", "can't forget", "brings up", "laughs about", "argues over",
              "avoids saying", "scribbles", "hisses",
    "can't stop repeating", "spits out", "whispers", "circles back to", "texts the words", "dreams about", "types", "writes down", "keeps hinting at", "jokes about")
TROPE_TAIL = (".", " again.", " under the breath.", ", and nobody answers.", " like a curse.", " all night.", ", then falls silent.",
              " for the tenth time.", " with a bitter laugh.", " as if it explains everything.",
    " and the room goes quiet.", " twice, to be sure.", " before anyone can stop it.", " in a cracked voice.", " and then laughs.", " like a verdict.", " one more time.", " into the phone.", " without looking up.", " as the lights flicker.")
CORE_LEADS = ("Then ", "Suddenly, ", "Moments later, ", "Without warning, ", "That night, ", "In the end, ", "At last, ", "Right then, ",
              "Before dawn, ", "Out of nowhere, ", "Once again, ", "Just like that, ")
HOOK_LEADS = ("Just then, ", "Suddenly, ", "Meanwhile, ", "A beat later, ", "Before anyone can move, ", "Late that night, ",
              "As the door shuts, ", "Unnoticed, ")
# fmt: on

# Blurb sentences that name a trope ({cue}).
# fmt: off
SYN_TROPE = ("Then comes \"{cue}\", and nothing is the same.", "Nobody believes the rumors of \"{cue}\" at first.",
             "She never expected \"{cue}\" to become her life.", "Everything changes with \"{cue}\".",
             "Fate hands her \"{cue}\" on the worst night of her life.", "The secret of \"{cue}\" has been buried for five years.",
             "Behind \"{cue}\" lies a truth no one suspects.".replace("a truth", "a story"), "One word follows her everywhere: \"{cue}\".",
             "She has to survive \"{cue}\" on her own.", "And then there is \"{cue}\".", "\"{cue}\" rewrites her whole life.",
             "Whispers of \"{cue}\" follow her into every room.")
# fmt: on
