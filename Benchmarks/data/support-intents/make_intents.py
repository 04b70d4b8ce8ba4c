"""Generates the customer-service intent data set of the `support-assistant` example (issue 11): intents.csv.

Design
- 24 intents a support desk of an online shop with subscriptions sees, plus `out_of_scope` (questions the desk
  must hand to a human or decline). Each intent has several paraphrase TEMPLATES written by hand; a template is one
  way of asking (a phrasing), with {slots} filled from small shared lists (order words, greetings, politeness,
  time expressions) to vary the surface form.
- The unit of splitting is the template (its `group`), never the row: every utterance generated from one template
  lands in the same split, so test utterances are phrasings never seen in training. Within each intent the templates
  are assigned in a fixed rotation: train, train, train, validation, test, train, train, test, ... (see split_of).
- Deterministic: a fixed seed picks at most PER_TEMPLATE slot combinations per template; rows are unique.
- What it is not: real customer traffic. It has no typos beyond the few written into templates, no multi-intent
  messages, no personal data, and English only; accuracy on it measures generalisation across phrasings written by
  one author, not production performance.

Run: python make_intents.py  (standard library only; writes intents.csv next to this file)
"""
import csv
import itertools
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
PER_TEMPLATE = 24
SLOTS = {
    "hi": ["", "hi, ", "hello, ", "hey ", "good morning, ", "excuse me, "],
    "please": ["", " please", ", thanks", " asap", ", thank you"],
    "order": ["order", "package", "parcel", "purchase", "delivery", "shipment"],
    "item": ["item", "product", "shoes", "jacket", "headphones", "book", "lamp"],
    "sub": ["subscription", "membership", "plan", "monthly plan", "premium account"],
    "when": ["", " yesterday", " last week", " three days ago", " on monday", " this morning"],
    "pay": ["card", "credit card", "payment method", "bank details", "debit card"],
    "addr": ["address", "delivery address", "shipping address", "postcode"],
}
INTENTS = {
    "order_status": [
        "{hi}where is my {order}{please}", "{hi}what's the status of my {order}", "has my {order} shipped yet",
        "{hi}i ordered something{when} and want to know where it is", "any update on my {order}{please}",
        "i'm still waiting for my {order}, what is going on", "can you check on the {order} i placed{when}",
        "is my {order} on its way{please}",
    ],
    "track_package": [
        "{hi}i need the tracking number for my {order}", "how do i track my {order}{please}",
        "send me the tracking link{please}", "the tracking page for my {order} doesn't load",
        "which courier is delivering my {order}", "{hi}can i follow my {order} online",
    ],
    "delivery_delay": [
        "my {order} is late{please}", "{hi}my {order} should have arrived{when} but didn't",
        "why is my {order} delayed", "the delivery date passed and still no {order}",
        "it's been ages and my {order} hasn't come", "{hi}my {order} is stuck in transit",
    ],
    "refund_request": [
        "{hi}i want a refund{please}", "can i get my money back for the {item}", "please refund my {order}",
        "{hi}how long does a refund take", "i was promised a refund{when} and haven't got it",
        "give me my money back for this {item}{please}", "refund the {item} i returned{when}",
    ],
    "return_item": [
        "{hi}how do i return the {item}", "i'd like to send back the {item}{please}",
        "can i return a {item} i bought{when}", "what is your return policy for a {item}",
        "i need a return label for my {item}", "{hi}the {item} doesn't fit, can i return it",
    ],
    "damaged_item": [
        "{hi}my {item} arrived broken", "the {item} was damaged in shipping", "the {item} i got{when} is cracked",
        "{hi}my {order} came smashed", "the box was crushed and the {item} is ruined",
        "what do i do about a damaged {item}{please}",
    ],
    "wrong_item": [
        "{hi}you sent me the wrong {item}", "i received someone else's {order}", "this isn't the {item} i ordered",
        "the {item} in my {order} is the wrong size", "{hi}i got a different {item} than what i paid for",
        "wrong colour {item} arrived{when}",
    ],
    "cancel_order": [
        "{hi}cancel my {order}{please}", "i want to cancel the {order} i placed{when}",
        "can i still cancel my {order}", "stop my {order} before it ships{please}",
        "{hi}how do i cancel an {order}", "i changed my mind, cancel the {item}",
    ],
    "change_order": [
        "{hi}can i change my {order}", "i need to add a {item} to my {order}", "swap the {item} in my {order}{please}",
        "can i change the size of the {item} i ordered", "{hi}i want to modify my {order}",
        "remove the {item} from my {order}{please}",
    ],
    "change_address": [
        "{hi}i need to change my {addr}", "update my {addr}{please}", "i moved, how do i change my {addr}",
        "can you send my {order} to a different {addr}", "{hi}my {addr} is wrong on the {order}",
        "change the {addr} on my account{please}",
    ],
    "cancel_subscription": [
        "{hi}cancel my {sub}{please}", "i want to end my {sub}", "how do i unsubscribe from the {sub}",
        "stop charging me for the {sub}", "{hi}i no longer want the {sub}", "terminate my {sub}{please}",
    ],
    "upgrade_subscription": [
        "{hi}i want to upgrade my {sub}", "how do i switch to a bigger {sub}", "move me to the premium tier{please}",
        "what does upgrading the {sub} cost", "{hi}can i get more features on my {sub}",
        "upgrade my {sub} today{please}",
    ],
    "reset_password": [
        "{hi}i forgot my password", "reset my password{please}", "how do i change my password",
        "the password reset email never arrived", "{hi}i can't remember my login password",
        "send me a password reset link{please}",
    ],
    "account_locked": [
        "{hi}my account is locked", "i'm locked out of my account", "too many login attempts, now i can't log in",
        "{hi}my account got blocked{when}", "unlock my account{please}", "why was my account suspended",
    ],
    "delete_account": [
        "{hi}delete my account{please}", "i want to close my account for good", "remove all my data",
        "how do i permanently delete my profile", "{hi}erase my account and personal data",
        "please deactivate and delete my account",
    ],
    "update_payment": [
        "{hi}i need to update my {pay}", "change the {pay} on file{please}", "my {pay} expired, how do i update it",
        "add a new {pay} to my account", "{hi}replace my {pay}", "where do i edit my {pay}",
    ],
    "payment_failed": [
        "{hi}my payment was declined", "the {pay} keeps getting rejected", "why did my payment fail{when}",
        "checkout says payment failed{please}", "{hi}i can't pay with my {pay}", "error when paying for my {order}",
    ],
    "double_charge": [
        "{hi}i was charged twice", "there are two charges for one {order}", "you billed my {pay} twice{when}",
        "duplicate charge on my statement", "{hi}why was i charged double for the {sub}",
        "i see the same payment twice{please} fix it",
    ],
    "invoice_request": [
        "{hi}i need an invoice for my {order}", "send me a receipt{please}", "where can i download my invoice",
        "can i get a vat invoice for the {item}", "{hi}i need a copy of my bill", "email me the invoice{please}",
    ],
    "promo_code": [
        "{hi}my discount code doesn't work", "the promo code is not accepted", "how do i use a coupon{please}",
        "can i apply a voucher to my {order}", "{hi}i forgot to enter my discount code", "is there a promo code",
    ],
    "shipping_cost": [
        "{hi}how much is shipping", "what are the delivery fees", "do you offer free shipping{please}",
        "how much does it cost to ship a {item}", "{hi}why is shipping so expensive", "shipping price to my {addr}",
    ],
    "delivery_options": [
        "{hi}do you deliver on weekends", "can i get express delivery", "what delivery options are there",
        "can my {order} be delivered to a pickup point", "{hi}do you ship abroad", "is next day delivery possible",
    ],
    "product_availability": [
        "{hi}is the {item} in stock", "when will the {item} be available again", "do you have the {item} in blue",
        "{hi}notify me when the {item} is back", "is this {item} sold out", "will you restock the {item}",
    ],
    "contact_human": [
        "{hi}i want to talk to a person", "let me speak to an agent{please}", "can i call someone",
        "get me a human{please}", "{hi}is there a phone number for support", "i need a real person not a bot",
    ],
}
OUT_OF_SCOPE = [
    "what's the weather like{when}", "{hi}tell me a joke", "who won the game{when}", "how do i bake bread",
    "what is the capital of peru", "{hi}recommend a good movie", "what time is it in tokyo", "play some music",
    "how tall is mount everest", "{hi}translate hello into french", "what is 17 times 23", "book me a flight",
    "how do i fix my car", "{hi}what's a good name for a dog", "write me a poem", "what's the meaning of life",
]


def split_of(position):
    """Template rotation within an intent: indices 3 -> validation, 4 and 7 -> test, others train."""
    return {3: "validation", 4: "test", 7: "test"}.get(position % 8, "train")


def expand(template, rng):
    # Every template gets the shared greeting and politeness variants around its own wording.
    if "{hi}" not in template:
        template = "{hi}" + template
    if "{please}" not in template:
        template = template + "{please}"
    names = [n for n in SLOTS if "{" + n + "}" in template]
    combos = list(itertools.product(*(SLOTS[n] for n in names)))
    rng.shuffle(combos)
    out = []
    for combo in combos[:PER_TEMPLATE]:
        text = template.format(**dict(zip(names, combo)))
        out.append(" ".join(text.split()))
    return sorted(set(out))


def main():
    rng = random.Random(11)
    rows = []
    for intent, templates in list(INTENTS.items()) + [("out_of_scope", OUT_OF_SCOPE)]:
        for position, template in enumerate(templates):
            group = f"{intent}/{position}"
            for text in expand(template, rng):
                rows.append((text, intent, group, split_of(position)))
    with open(os.path.join(HERE, "intents.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "intent", "group", "split"])
        writer.writerows(rows)
    counts = {}
    for _, _, _, split in rows:
        counts[split] = counts.get(split, 0) + 1
    print(len(rows), "utterances,", len(INTENTS), "intents + out_of_scope,", counts)


if __name__ == "__main__":
    main()
