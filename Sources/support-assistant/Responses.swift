/// The canned answer of each intent (one line each); an intent without a line is handed to a person.
let responses: [String: String] = [
    "order_status": "You can see every order's status under Account > Orders; it updates as soon as it ships.",
    "track_package": "Your tracking link is in the shipping e-mail and under Account > Orders > Track.",
    "delivery_delay": "Sorry for the wait: if a parcel is 5 days past its estimate we resend it or refund it.",
    "refund_request": "Refunds go back to the original payment method within 5-10 business days of approval.",
    "return_item": "Start a return under Account > Orders > Return; the label is free within 30 days.",
    "damaged_item": "Sorry it arrived damaged: send a photo via Account > Orders > Report a problem for a replacement.",
    "wrong_item":
        "Sorry for the mix-up: report it under Account > Orders > Report a problem and we ship the right one.",
    "cancel_order": "Orders can be cancelled under Account > Orders until they ship.",
    "change_order": "You can change items or quantities under Account > Orders > Edit until the order ships.",
    "change_address": "Update the delivery address under Account > Addresses, or on the order itself before it ships.",
    "cancel_subscription": "Cancel any time under Account > Subscription > Cancel; it runs to the end of the period.",
    "upgrade_subscription": "Change plans under Account > Subscription > Change plan; the difference is prorated.",
    "reset_password": "Use 'Forgot password' on the sign-in page; the reset link is valid for one hour.",
    "account_locked": "Accounts unlock automatically after 30 minutes, or at once via the link in our e-mail.",
    "delete_account": "Delete your account under Account > Privacy > Delete account; it takes effect in 14 days.",
    "update_payment": "Add or change a card under Account > Payment methods.",
    "payment_failed": "A payment usually fails on an expired card or a bank check: retry it under Account > Payments.",
    "double_charge": "A second charge is usually a pending authorisation that drops off within 3 business days.",
    "invoice_request": "Every invoice can be downloaded as a PDF under Account > Orders > Invoice.",
    "promo_code": "Enter promo codes at checkout; one code per order, and they cannot be added afterwards.",
    "shipping_cost": "Standard shipping is free over 50 and 4.95 below; express costs 9.95.",
    "delivery_options": "We offer standard (3-5 days), express (1-2 days) and pick-up point delivery.",
    "product_availability": "Out-of-stock items show 'Notify me' on their page; we e-mail you when they are back.",
    "contact_human": "Of course: I am connecting you with a member of our team.",
]

/// What the assistant says when it does not answer itself.
let handoffMessage = "I'm handing you to a person who can help."
