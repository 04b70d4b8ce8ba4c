"""Generates the customer-service intent data set of the `support-assistant` example (issue 11): intents.csv.

Design
- 24 intents a support desk of an online shop with subscriptions sees, plus `out_of_scope` (questions the desk
  must hand to a human or decline). Each intent has 32-35 paraphrase TEMPLATES written by hand (a first batch and a
  second, MORE, written when the first proved too narrow); a template is one way of asking (a phrasing), with {slots}
  filled from small shared lists (greetings, politeness, order and product words, time expressions, order
  references in several formats) to vary the surface form.
- The unit of splitting is the template (its `group`), never the row: every utterance generated from one template
  lands in the same split, so test utterances are phrasings never seen in training. Within each intent the templates
  are assigned in a fixed rotation (positions 4, 9, 14, ... to test, 2, 12, 22, ... to validation, the rest to
  train; see split_of), except that a held-out template within one word edit of a training template of its intent
  moves to training (assign_splits), so that no held-out phrasing is a training phrasing with one word swapped.
- Each intent also has a LEXICON: its vocabulary as a support desk's glossary lists it ("refund status",
  "unsubscribe"), rendered as short keyword messages, always in training (group "<intent>/lexicon"). It was written
  after a first version without it (held-out templates used keywords no training template of their intent had);
  with it, the held-out templates test new sentence structures around an intent's known keywords, not keywords never
  seen.
- Surface noise on every split alike: a typo in one word (12% of messages), apostrophes dropped (10%), a capital
  first letter (25%), final punctuation (30%).
- Deterministic: a fixed seed picks at most PER_TEMPLATE slot combinations per template (3 per lexicon entry) and
  the noise; rows are unique; a held-out utterance never equals a training one.
- What it is not: real customer traffic. One author's phrasings, English only, no multi-intent or multi-turn
  messages, no personal data; accuracy on it measures generalisation across phrasings written by one author, not
  production performance.

Run: python3 make_intents.py  (standard library only; writes intents.csv next to this file and prints the counts)
"""
import csv
import itertools
import os
import random
import re

# First batch of phrasings, 6-8 per intent, then 10-12 more per intent.
INTENTS = {
    "order_status": [
        "{hi}where is my {order}{please}", "{hi}what's the status of my {order}", "has my {order} shipped yet",
        "{hi}i ordered something{when} and want to know where it is", "any update on my {order}{please}",
        "i'm still waiting for my {order}, what is going on", "can you check on the {order} i placed{when}",
        "is my {order} on its way{please}",
        "where's my stuff", "i haven't received my {order}{ref} yet", "what happened to my {order}{ref}",
        "when will my {order} arrive", "status of order{ref}", "did my {order} get sent out",
        "could you tell me where my {order} is at the moment", "i placed an order{when} and have heard nothing since",
        "is my {order}{ref} coming today", "need an eta for my {order}", "my {order} still hasn't arrived, where is it",
        "check my order status{please}",
    ],
    "track_package": [
        "{hi}i need the tracking number for my {order}", "how do i track my {order}{please}",
        "send me the tracking link{please}", "the tracking page for my {order} doesn't load",
        "which courier is delivering my {order}", "{hi}can i follow my {order} online",
        "what's my tracking number", "give me the tracking code for order{ref}",
        "i can't find the tracking info for my {order}", "where do i see the shipping updates for my {order}",
        "the tracking number you sent doesn't work", "is there a way to track {order}{ref}",
        "what carrier shipped my {order}", "tracking shows nothing for my {order}",
        "can i get live tracking for the {order}", "share the shipment tracking details{please}",
        "the tracking for my {order} hasn't updated", "how can i see where the courier is with my {order}",
    ],
    "delivery_delay": [
        "my {order} is late{please}", "{hi}my {order} should have arrived{when} but didn't",
        "why is my {order} delayed", "the delivery date passed and still no {order}",
        "it's been ages and my {order} hasn't come", "{hi}my {order} is stuck in transit",
        "my {order} was supposed to come{when} and it's still not here",
        "why is it taking so long to deliver my {order}", "the {order}{ref} is overdue",
        "delivery is way behind schedule", "still no sign of my {order}, it's late",
        "you promised delivery by friday and nothing came", "the courier keeps postponing my delivery",
        "my {order} missed the estimated delivery date", "it's a week past the due date and no {order}",
        "how much longer will the delayed {order} take", "the expected arrival date has passed",
        "my {order} is running late again",
    ],
    "refund_request": [
        "{hi}i want a refund{please}", "can i get my money back for the {item}", "please refund my {order}",
        "{hi}how long does a refund take", "i was promised a refund{when} and haven't got it",
        "give me my money back for this {item}{please}", "refund the {item} i returned{when}",
        "i'd like my money back{please}", "when will i get refunded for my {order}", "how do i request a refund",
        "i want to be reimbursed for the {item}", "refund status for my returned {item}", "where is my refund",
        "please process a refund to my {pay}", "i haven't received the refund yet",
        "can you credit back what i paid for the {item}", "i want a full refund for {order}{ref}",
        "my refund still hasn't shown up on my {pay}",
    ],
    "return_item": [
        "{hi}how do i return the {item}", "i'd like to send back the {item}{please}",
        "can i return a {item} i bought{when}", "what is your return policy for a {item}",
        "i need a return label for my {item}", "{hi}the {item} doesn't fit, can i return it",
        "i want to return something{please}", "how do i send the {item} back to you",
        "can i exchange this {item} for another one", "where do i drop off a return", "is the return free for a {item}",
        "how many days do i have to return the {item}", "i'd like to start a return for my {order}{ref}",
        "print a return label{please}", "the {item} isn't what i expected, i want to send it back",
        "do i need the original box to return the {item}", "return process for an unwanted {item}",
        "can i return the {item} to a store",
    ],
    "damaged_item": [
        "{hi}my {item} arrived broken", "the {item} was damaged in shipping", "the {item} i got{when} is cracked",
        "{hi}my {order} came smashed", "the box was crushed and the {item} is ruined",
        "what do i do about a damaged {item}{please}",
        "the {item} is broken{please} help", "my {item} came with a scratch", "the {item} arrived dented",
        "the {item} stopped working after one day", "the {item} is defective", "my {order} was soaked and the {item} is damaged",
        "i received a faulty {item}", "the glass on the lamp was shattered when it arrived",
        "the {item} was torn when i opened the box", "there's a big crack in the {item}",
        "everything in the {order} was broken",
    ],
    "wrong_item": [
        "{hi}you sent me the wrong {item}", "i received someone else's {order}", "this isn't the {item} i ordered",
        "the {item} in my {order} is the wrong size", "{hi}i got a different {item} than what i paid for",
        "wrong colour {item} arrived{when}",
        "this is not what i ordered", "i ordered a {item} but got something else", "you shipped me the wrong thing{please}",
        "the {item} i received is the wrong colour", "the wrong {item} came in my {order}{ref}",
        "i got a medium instead of a large", "you mixed up my {order}",
        "the {item} you delivered isn't the model i chose", "my {order} contained someone else's items",
        "incorrect {item} delivered{when}", "i was sent the wrong size {item}", "the package had a different product in it",
    ],
    "cancel_order": [
        "{hi}cancel my {order}{please}", "i want to cancel the {order} i placed{when}",
        "can i still cancel my {order}", "stop my {order} before it ships{please}",
        "{hi}how do i cancel an {order}", "i changed my mind, cancel the {item}",
        "please cancel order{ref}", "i don't want the {order} anymore, cancel it", "is it too late to cancel my {order}",
        "cancel the purchase i made{when}", "i ordered by mistake, please cancel", "how can i cancel an order i just placed",
        "void my {order}{please}", "call off the {order}{ref}", "i'd like to cancel before it's shipped",
        "don't ship my {order}, i want to cancel", "withdraw my {order}{please}",
    ],
    "change_order": [
        "{hi}can i change my {order}", "i need to add a {item} to my {order}", "swap the {item} in my {order}{please}",
        "can i change the size of the {item} i ordered", "{hi}i want to modify my {order}",
        "remove the {item} from my {order}{please}",
        "i want to change the quantity in my {order}", "can i add something to order{ref}",
        "edit my {order} before it ships", "i picked the wrong size, can i change it before shipping",
        "change the colour of the {item} i ordered", "can i update the items in my {order}",
        "replace the {item} in my {order} with a different one", "i'd like to amend my {order}{ref}",
        "is it possible to make changes to my {order}", "add one more {item} to the {order}{please}",
        "switch my {order} to the larger size", "modify the {item} in order{ref}",
    ],
    "change_address": [
        "{hi}i need to change my {addr}", "update my {addr}{please}", "i moved, how do i change my {addr}",
        "can you send my {order} to a different {addr}", "{hi}my {addr} is wrong on the {order}",
        "change the {addr} on my account{please}",
        "i gave the wrong {addr}", "please ship to my new {addr}", "my {addr} has changed{please}",
        "how can i edit my {addr}", "deliver my {order}{ref} to my office instead",
        "i need to correct a typo in my {addr}", "update where my {order} is sent{please}",
        "i'm moving, can you change the {addr} for future orders", "can i change the shipping destination",
        "redirect my {order} to another {addr}", "the {addr} on file is old", "set a new {addr} for my account",
    ],
    "cancel_subscription": [
        "{hi}cancel my {sub}{please}", "i want to end my {sub}", "how do i unsubscribe from the {sub}",
        "stop charging me for the {sub}", "{hi}i no longer want the {sub}", "terminate my {sub}{please}",
        "i want to cancel my {sub}", "please stop my {sub} renewing", "turn off auto renewal on my {sub}",
        "how can i quit the {sub}", "end the {sub} at the end of this month", "i don't use the {sub} anymore, cancel it",
        "opt me out of the {sub}{please}", "cancel recurring billing for my {sub}", "unsubscribe me{please}",
        "i'd like to stop paying for my {sub}", "how do i stop my {sub} from renewing", "close my {sub}{please}",
    ],
    "upgrade_subscription": [
        "{hi}i want to upgrade my {sub}", "how do i switch to a bigger {sub}", "move me to the premium tier{please}",
        "what does upgrading the {sub} cost", "{hi}can i get more features on my {sub}",
        "upgrade my {sub} today{please}",
        "i'd like a higher tier{please}", "can i move up to the premium plan", "upgrade me to the annual {sub}",
        "how much to go premium", "i want the pro version of my {sub}", "switch me to the family plan",
        "what do i get if i upgrade", "change my {sub} to a better one", "add more users to my {sub}",
        "is there a bigger plan than mine", "i want to go from basic to premium", "level up my {sub}{please}",
    ],
    "reset_password": [
        "{hi}i forgot my password", "reset my password{please}", "how do i change my password",
        "the password reset email never arrived", "{hi}i can't remember my login password",
        "send me a password reset link{please}",
        "i need a new password", "forgot password{please}", "my password doesn't work anymore",
        "how can i recover my password", "i can't log in because i don't remember my password",
        "change my login password{please}", "the password reset link expired", "set a new password for my account",
        "the reset password button does nothing", "help me reset my password", "what do i do if i lost my password",
        "i'd like to update my password",
    ],
    "account_locked": [
        "{hi}my account is locked", "i'm locked out of my account", "too many login attempts, now i can't log in",
        "{hi}my account got blocked{when}", "unlock my account{please}", "why was my account suspended",
        "my account has been frozen", "it says my account is disabled", "i got locked out after entering the wrong code",
        "can you reactivate my blocked account", "my login is blocked{please} help",
        "why can't i access my account, it says locked", "account suspended for no reason", "unblock my account{please}",
        "i've been locked out of my profile{when}", "my account was restricted",
        "the site says my account is temporarily locked", "restore access to my locked account",
    ],
    "delete_account": [
        "{hi}delete my account{please}", "i want to close my account for good", "remove all my data",
        "how do i permanently delete my profile", "{hi}erase my account and personal data",
        "please deactivate and delete my account",
        "i want to delete my account", "close my account permanently", "how can i remove my account",
        "get rid of my profile{please}", "wipe all my personal information", "cancel my account entirely and delete my data",
        "i'd like you to erase everything you have on me", "delete my user account{please}",
        "gdpr request to delete my data", "how do i shut down my account for good",
        "remove my profile and email from your system", "i no longer want an account with you, delete it",
    ],
    "update_payment": [
        "{hi}i need to update my {pay}", "change the {pay} on file{please}", "my {pay} expired, how do i update it",
        "add a new {pay} to my account", "{hi}replace my {pay}", "where do i edit my {pay}",
        "i want to use a different {pay}", "how do i change my payment details", "update billing info{please}",
        "my {pay} number changed", "set a new default {pay}", "remove the old {pay} from my account",
        "switch my payment to paypal", "i got a new {pay}, how do i add it", "edit billing details",
        "can i change the card i pay with", "update my {pay} for the {sub}", "save a new {pay} for future orders",
    ],
    "payment_failed": [
        "{hi}my payment was declined", "the {pay} keeps getting rejected", "why did my payment fail{when}",
        "checkout says payment failed{please}", "{hi}i can't pay with my {pay}", "error when paying for my {order}",
        "my {pay} was declined at checkout", "payment not going through", "transaction failed{please} help",
        "why won't my {pay} work", "it says payment error when i try to buy",
        "i keep getting a payment declined message", "the order won't go through, payment failed",
        "can't complete the purchase, my {pay} is refused", "payment unsuccessful{when}", "your site rejected my {pay}",
        "my payment got stuck and didn't complete", "why does checkout say my card is invalid",
    ],
    "double_charge": [
        "{hi}i was charged twice", "there are two charges for one {order}", "you billed my {pay} twice{when}",
        "duplicate charge on my statement", "{hi}why was i charged double for the {sub}",
        "i see the same payment twice{please} fix it",
        "i got billed twice for the same {order}", "you took the money two times", "charged double on my {pay}",
        "there's a duplicate payment for order{ref}", "i paid once but was charged twice",
        "two identical charges on my {pay}", "my bank shows the payment twice",
        "why did you charge me two times for my {sub}", "duplicate transaction{when}", "i was billed more than once",
        "the same amount was taken twice from my account", "double billing on my {sub}",
    ],
    "invoice_request": [
        "{hi}i need an invoice for my {order}", "send me a receipt{please}", "where can i download my invoice",
        "can i get a vat invoice for the {item}", "{hi}i need a copy of my bill", "email me the invoice{please}",
        "can i have an invoice for order{ref}", "i need a receipt for my {order}", "where do i find my invoices",
        "please send the invoice to my email", "i need a company invoice with my tax number",
        "download receipt for the {item}", "can you resend the receipt{please}",
        "i need proof of purchase for the {item}", "get a billing statement for my {sub}",
        "invoice for last month's {sub}", "i lost my receipt, can i get another", "i need an itemized invoice{please}",
    ],
    "promo_code": [
        "{hi}my discount code doesn't work", "the promo code is not accepted", "how do i use a coupon{please}",
        "can i apply a voucher to my {order}", "{hi}i forgot to enter my discount code", "is there a promo code",
        "my coupon isn't working", "the discount wasn't applied to my {order}", "where do i enter a promo code",
        "the voucher says invalid", "do you have any discount codes", "promo code expired, can you still honour it",
        "can i use two coupons on one {order}", "i have a gift code, how do i redeem it", "the sale price wasn't applied",
        "is there a student discount", "my referral code gives an error", "apply my discount code to order{ref}",
    ],
    "shipping_cost": [
        "{hi}how much is shipping", "what are the delivery fees", "do you offer free shipping{please}",
        "how much does it cost to ship a {item}", "{hi}why is shipping so expensive", "shipping price to my {addr}",
        "what's the delivery charge", "how much do you charge for postage", "is shipping free over a certain amount",
        "shipping fee to canada", "how much extra for express shipping", "why was i charged for shipping",
        "what does delivery cost to my {addr}", "are there any shipping costs", "postage and packing price",
        "how much is it to send a {item} abroad", "what is the minimum order for free delivery",
        "do i have to pay for shipping{please}",
    ],
    "delivery_options": [
        "{hi}do you deliver on weekends", "can i get express delivery", "what delivery options are there",
        "can my {order} be delivered to a pickup point", "{hi}do you ship abroad", "is next day delivery possible",
        "do you offer same day delivery", "can i choose a delivery time slot", "which delivery methods do you have",
        "can i pick up my {order} in store", "do you deliver to my country", "is saturday delivery available",
        "can the courier leave the {order} with a neighbour", "what shipping speeds can i pick",
        "can i get my {order} sent to a locker", "do you do international shipping",
        "can i schedule my delivery for later", "is overnight shipping an option",
    ],
    "product_availability": [
        "{hi}is the {item} in stock", "when will the {item} be available again", "do you have the {item} in blue",
        "{hi}notify me when the {item} is back", "is this {item} sold out", "will you restock the {item}",
        "is the {item} available", "do you still sell the {item}", "when will you have the {item} back in stock",
        "is the {item} available in size 10", "it's out of stock, when will it come back", "can i preorder the {item}",
        "how many of the {item} do you have left", "does the {item} come in other colours", "is the {item} discontinued",
        "will the {item} be restocked soon", "is the {item} available in your store near me",
        "check stock for the {item}{please}",
    ],
    "contact_human": [
        "{hi}i want to talk to a person", "let me speak to an agent{please}", "can i call someone",
        "get me a human{please}", "{hi}is there a phone number for support", "i need a real person not a bot",
        "i want to speak to customer service", "transfer me to a live agent", "can someone call me back",
        "stop the bot, i need a human", "how do i reach your support team by phone",
        "connect me with a representative", "is there anyone real i can talk to", "i want to chat with a real person",
        "put me through to a manager", "what's your customer service number", "human please",
        "i'd rather talk to a person than a machine",
    ],
}
OUT_OF_SCOPE = [
    "what's the weather like{when}", "{hi}tell me a joke", "who won the game{when}", "how do i bake bread",
    "what is the capital of peru", "{hi}recommend a good movie", "what time is it in tokyo", "play some music",
    "how tall is mount everest", "{hi}translate hello into french", "what is 17 times 23", "book me a flight",
    "how do i fix my car", "{hi}what's a good name for a dog", "write me a poem", "what's the meaning of life",
    "what's the best pizza place nearby", "how do i lose weight", "set an alarm for 7am",
    "who is the president of france", "how many calories in a banana", "what's the score of the football match",
    "tell me a fun fact", "how do i learn python", "what's a good book to read", "remind me to call mom",
    "how far is the moon", "can you help with my math homework", "what stocks should i buy",
    "where can i watch the new movie", "how do i change a tyre", "what should i cook for dinner",
    "is it going to rain{when}", "how old is the universe", "sing me a song", "what's your favourite colour",
    "do you like dogs", "how do you say thank you in japanese", "what is bitcoin", "give me directions to the airport",
]
# Second batch: 15 more phrasings per intent (20 more out of scope).
MORE = {
    "order_status": [
        "can you tell me if my {order} has been dispatched", "what's happening with my {order}{ref}",
        "i'd like an update on order{ref}", "has order{ref} left the warehouse", "my {order} hasn't arrived yet, any news",
        "i want to know the status of my {order}", "when is my {order} going to be delivered",
        "is there any news about my {order}", "where is the stuff i bought{when}", "has the {order} i paid for been sent",
        "i still don't have my {order}, can you check", "what's the delivery status of order{ref}",
        "still waiting on my {order}, any update", "when can i expect my {order}",
        "could you look up where my {order} is",
    ],
    "track_package": [
        "where can i find the tracking number", "the tracking link for my {order} is broken", "i lost my tracking number",
        "which delivery company has my {order}", "can you send the tracking number again", "how can i track order{ref}",
        "i'd like to follow the delivery online", "my tracking number shows no information",
        "give me the courier's tracking details", "is there a tracking code for my {order}",
        "the tracking website says number not found", "can i track the {order} on my phone",
        "what's the tracking id for order{ref}", "i want to track where my {order} is right now",
        "did you email me a tracking link",
    ],
    "delivery_delay": [
        "my {order} is late and i need it now", "the {order} is delayed again, what's the reason",
        "why hasn't my {order} arrived on time", "the estimated delivery was{when} and it's late",
        "my {order} is taking forever", "this delivery is really late", "the courier is late with my {order}{ref}",
        "the delivery is overdue by a week", "why is shipping taking so long", "my {order} should be here by now",
        "delayed {order}{ref}, what's going on", "it was due{when} and still hasn't arrived",
        "my {order} is several days late", "i was told it would arrive{when}, it's late now",
        "the {order} is stuck and not moving",
    ],
    "refund_request": [
        "i'd like a refund for order{ref}", "when do i get my money back", "the refund hasn't arrived{when}",
        "please give me a refund for the {item}", "how do i get reimbursed", "i'm still waiting for my refund",
        "can you refund the money to my {pay}", "i want my money returned", "i returned the {item}, where's my money",
        "has my refund been processed", "refund me for the {item}{please}", "i need a refund, the {item} was not good",
        "how many days until the refund shows up", "i want to claim a refund", "send my money back{please}",
    ],
    "return_item": [
        "how do i send something back", "i want to return the {item} i bought", "can i still return my {order}",
        "where is the return form", "i'd like to return part of my {order}", "the {item} is too small, i want to return it",
        "what's the return address", "is it possible to return a {item} after 30 days", "how do returns work",
        "can you email me a return label", "i want to send the {item} back and get a different one",
        "do you accept returns on sale items", "return the {item} from order{ref}", "i need to return a gift",
        "can i return the {item} without the receipt",
    ],
    "damaged_item": [
        "the {item} came broken in the box", "my {item} is damaged{please}", "it arrived cracked and scratched",
        "the {item} in my {order} was smashed", "i got a broken {item}", "the {item} doesn't work, it's faulty",
        "the {order} arrived damaged{when}", "there's damage on the {item}", "the {item} has a dent and a scratch",
        "your courier broke my {item}", "the {item} is broken and unusable", "what can i do about a broken {item}",
        "the {item} was defective on arrival", "my {item} arrived with a crack", "the packaging was torn and the {item} damaged",
    ],
    "wrong_item": [
        "you sent the wrong product", "i received the wrong {item} in my {order}", "this {item} is not the one i ordered",
        "wrong item in order{ref}", "the size of the {item} is wrong", "i got the wrong colour",
        "you delivered a different {item}", "this {order} isn't mine", "the {item} i got doesn't match my order",
        "i got sent a totally different product", "my {order} has the wrong {item} in it",
        "i ordered blue and got red", "someone else's {item} was delivered to me", "the wrong thing arrived{when}",
        "this isn't what i paid for",
    ],
    "cancel_order": [
        "cancel the {order} i just made", "i need to cancel order{ref}", "please cancel my purchase{when}",
        "how do i cancel my {order}", "i want to cancel my {order}", "can you cancel the {item} i ordered",
        "i don't need the {order} anymore", "cancel it before it ships{please}", "is my {order} cancelled",
        "i placed an order by accident, cancel it", "can my {order} still be cancelled", "cancel the whole {order}",
        "i'd like to cancel an order", "please stop and cancel order{ref}", "cancel my {order}, i found it cheaper",
    ],
    "change_order": [
        "i want to change something in my {order}", "change the {item} in order{ref}", "can i add an item to my {order}",
        "i'd like to swap the {item} for a different size", "update my {order}{please}", "can i edit the {order} i placed{when}",
        "change the quantity of the {item}", "i need to make a change to order{ref}", "take the {item} off my {order}",
        "i want to add another {item}", "can i change the colour before it ships", "modify my {order}{please}",
        "i ordered the wrong size, please change it", "how do i change an order", "can you change my {order}",
    ],
    "change_address": [
        "change my {addr}{please}", "i want to update my {addr}", "the {addr} on my {order} is wrong",
        "can i change where my {order} is delivered", "i have a new {addr}", "please change the delivery address",
        "send it to a different address{please}", "how do i change the address on my account", "i entered the wrong {addr}",
        "correct my {addr}{please}", "update the {addr} for order{ref}", "i moved house, update my {addr}",
        "can the {order} go to another address", "wrong {addr} on order{ref}", "edit the delivery address",
    ],
    "cancel_subscription": [
        "cancel the {sub}{please}", "i want to stop my {sub}", "how do i cancel my {sub}", "end my {sub} now",
        "i don't want to renew my {sub}", "stop my {sub}", "i want to unsubscribe", "please cancel my {sub} today",
        "how can i end the {sub}", "cancel my {sub} and stop charging me", "stop the automatic renewal",
        "i want out of my {sub}", "can you cancel my {sub}", "i need to cancel the {sub} before it renews",
        "quit my {sub}{please}",
    ],
    "upgrade_subscription": [
        "upgrade my {sub}{please}", "i want a better {sub}", "how do i upgrade", "i want to upgrade to premium",
        "can i upgrade my {sub} now", "what's the price of the premium tier", "move my {sub} up a tier",
        "i need more features", "upgrade to the pro plan{please}", "how much is the upgrade",
        "i'd like to switch to the premium {sub}", "what's included in the higher plan", "can i get the bigger plan",
        "i want to upgrade from basic", "change me to premium",
    ],
    "reset_password": [
        "reset the password{please}", "i forgot my password, help", "i need to reset my password",
        "how do i reset my password", "i don't remember my password", "my password isn't working",
        "send a reset link to my email", "can you reset my password", "i lost my password",
        "change the password on my account", "i never got the password email", "how do i get a new password",
        "password forgotten{please} help", "the reset link doesn't work", "i want a new password",
    ],
    "account_locked": [
        "my account is locked{please} help", "why is my account locked", "i can't get into my account, it's locked",
        "unlock my account now", "my account is blocked", "i'm locked out", "how do i unlock my account",
        "my account was suspended{when}", "please unblock my account", "the account is frozen",
        "i was locked out of my account{when}", "it says account locked", "my account got disabled",
        "can you unlock it{please}", "locked account, can't log in",
    ],
    "delete_account": [
        "delete my account now", "i want my account deleted", "how do i delete my account", "remove my account{please}",
        "please delete all my data", "i want to close my account", "erase my personal data", "delete my profile",
        "can you delete my account", "i'd like my data removed", "permanently close my account",
        "how do i close my account", "remove me from your system", "i want everything about me deleted",
        "delete my account and data{please}",
    ],
    "update_payment": [
        "update my {pay}{please}", "i need to change my {pay}", "how do i update my {pay}", "change my payment method",
        "i want to add a new {pay}", "my {pay} has expired", "i have a new {pay}", "update my billing details",
        "change the {pay} on my account", "how do i add a {pay}", "i want to pay with a different {pay}",
        "edit my payment information", "replace the expired {pay}", "can i update my payment details",
        "new {pay}, please update it",
    ],
    "payment_failed": [
        "my payment failed", "the payment was declined{when}", "why was my {pay} declined", "i can't pay",
        "my {pay} doesn't work at checkout", "payment failed again", "the checkout keeps failing",
        "my payment won't go through", "it says my {pay} was refused", "why is my payment not working",
        "error at checkout, payment declined", "i tried to pay but it failed", "my {pay} is being rejected",
        "the payment didn't work{please} help", "declined payment for my {order}",
    ],
    "double_charge": [
        "you charged me twice", "i was charged two times", "i see two payments for my {order}",
        "double charged on my {pay}", "duplicate charge for order{ref}", "why was i charged twice",
        "there's a double charge on my account", "charged twice for one {order}", "i paid twice by mistake",
        "my {pay} was charged twice{when}", "two charges for the same thing", "you billed me twice",
        "refund the duplicate charge", "i got charged double", "same charge appears twice",
    ],
    "invoice_request": [
        "i need an invoice", "send me the invoice for order{ref}", "can i get a receipt", "where is my receipt",
        "i need a receipt{please}", "how do i get an invoice", "please email the receipt for my {order}",
        "i want a copy of the invoice", "can you send me a bill", "download my invoice",
        "i need the invoice for my {sub}", "where are my receipts", "invoice please for my {order}",
        "i need a vat receipt", "resend my invoice",
    ],
    "promo_code": [
        "the discount code isn't working", "my promo code doesn't work", "how do i apply a discount code",
        "the coupon was not applied", "where do i put the voucher code", "is there a discount code",
        "my voucher doesn't work", "the promo code says expired", "can i still use my coupon",
        "i forgot to use my promo code", "how do i redeem a voucher", "any coupons available",
        "the discount code is invalid", "apply my coupon{please}", "promo code not working at checkout",
    ],
    "shipping_cost": [
        "how much does shipping cost", "what is the shipping fee", "is shipping free", "how much is delivery",
        "what do you charge for delivery", "shipping costs to my {addr}", "is delivery free",
        "how much is postage", "what's the cost of shipping", "do you charge for shipping",
        "how much for next day shipping", "the shipping fee is too high", "what are your shipping charges",
        "delivery fee for a {item}", "free shipping on orders over what amount",
    ],
    "delivery_options": [
        "what are the delivery options", "can i choose express shipping", "do you offer next day delivery",
        "can i pick the delivery day", "do you deliver internationally", "can i collect my {order} from a store",
        "is weekend delivery possible", "what shipping methods are available", "can you deliver to a parcel locker",
        "do you ship to other countries", "can i get same day shipping", "is click and collect available",
        "can i choose the delivery time", "which couriers do you use", "can i get my {order} faster",
    ],
    "product_availability": [
        "is the {item} in stock right now", "when is the {item} back in stock", "do you have the {item}",
        "is the {item} still available", "is the {item} out of stock", "when will you restock the {item}",
        "do you have this {item} in another colour", "can i buy the {item} now", "is the {item} sold out",
        "let me know when the {item} is available", "do you have the {item} in my size", "is the {item} in stock online",
        "will the {item} come back", "availability of the {item}", "when can i buy the {item} again",
    ],
    "contact_human": [
        "i want to talk to a human", "can i speak to a person", "connect me to an agent", "i need a human agent",
        "let me talk to a real person", "how do i contact customer service", "can i talk to someone",
        "i want a person, not a bot", "give me a phone number", "speak to a human{please}",
        "can i get a call back", "transfer me to a person", "i need to talk to support",
        "is there a live chat with a person", "agent{please}",
    ],
}
OOS_MORE = [
    "what's the weather today", "tell me something funny", "what's the news today", "how do i make pasta",
    "what's the population of china", "who wrote hamlet", "what day is it today", "turn on the lights",
    "how do i get to the train station", "what's 2 plus 2", "recommend a restaurant", "what's your name",
    "are you a robot", "how do i play chess", "what movies are on tonight", "find me a hotel in rome",
    "how do i cook rice", "what's the time", "tell me a story", "who is the best football player",
]

for _intent, _extra in MORE.items():
    INTENTS[_intent] = INTENTS[_intent] + _extra
OUT_OF_SCOPE = OUT_OF_SCOPE + OOS_MORE

# Each intent's vocabulary as a support desk's glossary would list it: the short keyword messages customers also
# type ("refund status", "unsubscribe"). Always in training (group "<intent>/lexicon").
LEXICON = {
    "order_status": ["order status", "where is my order", "order update", "status of my purchase", "not received yet",
                     "has it been dispatched", "has it been sent", "when will it arrive", "order eta", "is it on its way",
                     "any news on my order", "haven't got my order"],
    "track_package": ["tracking number", "tracking link", "track my parcel", "tracking code", "tracking info",
                      "tracking id", "courier tracking", "shipping updates", "which carrier", "tracking not working",
                      "follow my delivery", "where is the courier"],
    "delivery_delay": ["late delivery", "delivery delayed", "order is late", "overdue parcel", "behind schedule",
                       "past the delivery date", "still not here", "taking too long", "missed delivery date",
                       "delivery postponed", "stuck in transit", "expected date passed"],
    "refund_request": ["refund", "refund please", "money back", "refund status", "reimbursement", "where is my refund",
                       "refund not received", "credit my card back", "full refund", "get reimbursed",
                       "pay me back", "claim a refund"],
    "return_item": ["return", "return an item", "return label", "send it back", "return policy", "exchange an item",
                    "return address", "drop off a return", "start a return", "return form", "returns",
                    "return window"],
    "damaged_item": ["damaged item", "arrived broken", "broken", "cracked", "smashed", "scratched", "dented",
                     "defective product", "faulty item", "torn", "item not working", "damaged in transit"],
    "wrong_item": ["wrong item", "wrong size", "wrong colour", "not what i ordered", "different product",
                   "someone else's order", "incorrect item", "mixed up order", "wrong model", "wrong product sent",
                   "got the wrong thing", "item doesn't match"],
    "cancel_order": ["cancel order", "cancel my purchase", "cancel before shipping", "void order",
                     "ordered by mistake", "withdraw order", "call off my order", "don't ship it", "cancellation",
                     "stop my order", "too late to cancel", "order cancelled"],
    "change_order": ["change order", "modify order", "edit order", "add item to order", "remove item from order",
                     "swap item", "change quantity", "change size", "amend order", "update my order",
                     "change colour of order", "make changes to my order"],
    "change_address": ["change address", "new address", "wrong address", "update address", "edit address",
                       "shipping destination", "deliver somewhere else", "correct my address", "redirect parcel",
                       "moved house", "different delivery address", "change postcode"],
    "cancel_subscription": ["cancel subscription", "unsubscribe", "end membership", "stop subscription",
                            "no longer want my plan", "terminate membership", "quit plan", "turn off auto renewal",
                            "opt out", "stop recurring billing", "close my subscription", "don't renew"],
    "upgrade_subscription": ["upgrade", "upgrade plan", "go premium", "higher tier", "pro version", "bigger plan",
                             "more features", "family plan", "premium tier price", "add users", "switch to premium",
                             "better plan"],
    "reset_password": ["reset password", "forgot password", "new password", "password reset link",
                       "change password", "lost password", "recover password", "password not working",
                       "can't remember password", "reset email", "password help", "update password"],
    "account_locked": ["account locked", "locked out", "unlock account", "account blocked", "account suspended",
                       "account frozen", "account disabled", "unblock account", "too many login attempts",
                       "account restricted", "reactivate account", "restore access"],
    "delete_account": ["delete account", "close account", "remove my data", "erase my data", "delete profile",
                       "deactivate account", "gdpr deletion", "wipe my information", "remove account",
                       "forget me", "shut down my account", "delete everything about me"],
    "update_payment": ["update card", "change payment method", "new card", "billing info", "edit payment details",
                       "card expired", "add payment method", "replace card", "default card", "remove old card",
                       "pay with paypal", "update billing details"],
    "payment_failed": ["payment failed", "payment declined", "card declined", "card rejected",
                       "payment not going through", "transaction failed", "payment error", "checkout failed",
                       "can't pay", "card refused", "card invalid at checkout", "payment unsuccessful"],
    "double_charge": ["charged twice", "double charge", "duplicate charge", "billed twice", "two charges",
                      "charged two times", "duplicate payment", "duplicate transaction", "double billing",
                      "paid twice", "same charge twice", "billed more than once"],
    "invoice_request": ["invoice", "receipt", "vat invoice", "copy of bill", "proof of purchase",
                        "billing statement", "download invoice", "resend receipt", "company invoice",
                        "itemized receipt", "tax invoice", "invoice by email"],
    "promo_code": ["promo code", "discount code", "coupon", "voucher", "coupon not working", "code invalid",
                   "discount not applied", "redeem voucher", "gift code", "student discount", "referral code",
                   "sale price not applied"],
    "shipping_cost": ["shipping cost", "delivery fee", "postage", "free shipping", "shipping price",
                      "delivery charge", "how much is shipping", "shipping fees abroad", "postage and packing",
                      "free delivery threshold", "express shipping price", "shipping too expensive"],
    "delivery_options": ["delivery options", "express delivery", "next day delivery", "same day delivery",
                         "weekend delivery", "pickup point", "click and collect", "parcel locker",
                         "international shipping", "ship abroad", "delivery time slot", "shipping methods"],
    "product_availability": ["in stock", "out of stock", "back in stock", "sold out", "restock", "availability",
                             "preorder", "discontinued", "other colours", "available in my size", "still sell it",
                             "stock check"],
    "contact_human": ["human", "agent", "real person", "live agent", "customer service", "representative",
                      "call me back", "phone number", "speak to someone", "talk to a person", "manager",
                      "not a bot"],
}

HERE = os.path.dirname(os.path.abspath(__file__))
PER_TEMPLATE = 6
SLOTS = {
    "hi": ["", "hi, ", "hello, ", "hey ", "good morning, ", "excuse me, ", "hi there, ", "good evening, ",
           "dear support, "],
    "please": ["", " please", ", thanks", " asap", ", thank you", " pls", ", cheers", " thx"],
    "order": ["order", "package", "parcel", "purchase", "delivery", "shipment"],
    "item": ["item", "product", "shoes", "jacket", "headphones", "book", "lamp", "kettle", "sofa", "phone case"],
    "sub": ["subscription", "membership", "plan", "monthly plan", "premium account", "annual plan"],
    "when": ["", " yesterday", " last week", " three days ago", " on monday", " this morning", " two weeks ago"],
    "pay": ["card", "credit card", "payment method", "bank details", "debit card", "visa card"],
    "addr": ["address", "delivery address", "shipping address", "postcode", "home address"],
    # Order references in the formats customers paste them: rendered with fresh digits per utterance.
    "ref": ["", " #{digits}", " number {digits}", " {letter}{digits}", " ord-{digits}", " {digits}"],
}


def render_ref(form, rng):
    digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([5, 6, 7, 8])))
    letter = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
    return form.replace("{digits}", digits).replace("{letter}", letter)


NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def noisy(text, rng):
    """Surface noise of typed messages: a typo in one word (12%), contractions without apostrophe (10%), a
    capital first letter (25%), final punctuation (30%)."""
    words = text.split(" ")
    if rng.random() < 0.12:
        long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            p = rng.randrange(1, len(w) - 1)
            kind = rng.randrange(4)
            if kind == 0:  # swap two neighbouring letters
                w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
            elif kind == 1:  # drop a letter
                w = w[:p] + w[p + 1:]
            elif kind == 2:  # double a letter
                w = w[:p] + w[p] + w[p:]
            else:  # a wrong letter
                w = w[:p] + rng.choice(NEIGHBOURS) + w[p + 1:]
            words[i] = w
    text = " ".join(words)
    if rng.random() < 0.10:
        text = text.replace("'", "")
    if rng.random() < 0.25:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.30:
        text += rng.choice(["?", ".", "!", "??", " :("])
    return text


def split_of(position):
    """Template rotation within an intent: positions 4, 9, 14, 19 -> test; 2, 12 -> validation; others train."""
    if position % 5 == 4:
        return "test"
    if position % 10 == 2:
        return "validation"
    return "train"


def expand(template, rng, count=PER_TEMPLATE):
    # Every template gets the shared greeting and politeness variants around its own wording.
    if "{hi}" not in template:
        template = "{hi}" + template
    if "{please}" not in template:
        template = template + "{please}"
    names = [n for n in SLOTS if "{" + n + "}" in template]
    combos = list(itertools.product(*(SLOTS[n] for n in names)))
    rng.shuffle(combos)
    out = []
    for combo in combos[:count]:
        values = dict(zip(names, combo))
        if "ref" in values:
            values["ref"] = render_ref(values["ref"], rng)
        text = " ".join(template.format(**values).split())
        out.append(noisy(text, rng))
    return sorted(set(out))


def words_of(template):
    return re.sub(r"\{(hi|please)\}", " ", template).replace(",", " ").split()


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def nearest_training(groups):
    """For each held-out template: the fewest words (substituted, added or removed) that turn a training template of
    the same intent into it, the greeting and politeness slots ignored."""
    train = {}
    for group, template, split in groups:
        if split == "train":
            train.setdefault(group.split("/")[0], []).append(words_of(template))
    return sorted(
        (min(edit_distance(words_of(template), other) for other in train[group.split("/")[0]]), group, template)
        for group, template, split in groups if split != "train")


def assign_splits(templates):
    """The rotation of ``split_of`` over each intent's templates, except that a held-out template within one word
    of a training template of the same intent (one word substituted, added or removed; the shared greeting and
    politeness slots ignored) goes to training: held-out phrasings are never a training phrasing with one word
    changed. Repeats until no held-out template is that close."""
    splits = {key: split_of(key[1]) for key in templates}
    moved = True
    while moved:
        moved = False
        for key, template in templates.items():
            if splits[key] == "train":
                continue
            words = words_of(template)
            if any(other[0] == key[0] and splits[other] == "train" and edit_distance(words, words_of(text)) <= 1
                   for other, text in templates.items()):
                splits[key] = "train"
                moved = True
    return splits


def main():
    rng = random.Random(11)
    templates = {}
    for intent, texts in list(INTENTS.items()) + [("out_of_scope", OUT_OF_SCOPE)]:
        for position, template in enumerate(texts):
            templates[(intent, position)] = template
    splits = assign_splits(templates)
    rows, groups = [], []
    for intent, keywords in LEXICON.items():
        for keyword in keywords:
            for text in expand("{hi}" + keyword + "{please}", rng, 3):
                rows.append((text, intent, f"{intent}/lexicon", "train"))
    for (intent, position), template in templates.items():
        group, split = f"{intent}/{position}", splits[(intent, position)]
        groups.append((group, template, split))
        for text in expand(template, rng):
            rows.append((text, intent, group, split))
    distances = nearest_training(groups)
    train_texts = {text.lower() for text, _, _, split in rows if split == "train"}
    leaked = [text for text, _, _, split in rows if split != "train" and text.lower() in train_texts]
    if leaked:
        raise SystemExit(f"held-out utterances equal to training ones: {leaked[:5]}")
    with open(os.path.join(HERE, "intents.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "intent", "group", "split"])
        writer.writerows(rows)
    counts, templates = {}, {}
    for _, _, group, split in rows:
        counts[split] = counts.get(split, 0) + 1
    for _, _, split in groups:
        templates[split] = templates.get(split, 0) + 1
    print(len(rows), "utterances,", len(INTENTS), "intents + out_of_scope;", "utterances", counts, "templates", templates)
    counted = {}
    for distance, _, _ in distances:
        counted[min(distance, 5)] = counted.get(min(distance, 5), 0) + 1
    print("held-out templates by the fewest word edits from a training template of their intent (5: 5 or more):",
          dict(sorted(counted.items())))


if __name__ == "__main__":
    main()
