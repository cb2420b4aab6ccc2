/**
 * The companion's words in English. This catalogue gives the shape every
 * other language must match (`Texts`, in ../i18n.ts): a key missing in
 * another language is a type error, and the companion's `i18n` test names it.
 *
 * `page` holds the static texts of index.html, by the `data-i18n` key of
 * their element; `{name}` stands for the element's child marked
 * `data-slot="name"`, which stays (with its id) wherever the language puts it.
 */
export const enUS = {
  page: {
    title: 'Scanlogin companion',
    description: "Scan a website's login code to log in there with your account.",
    skip: 'Skip to content',
    logout: 'Log out',
    offline: 'You are offline. The app opens, but approving a login needs a connection.',
    loading: 'Starting…',
    signinTitle: 'Sign in',
    signinIntro: 'Sign in once on this phone. Then, to log in to a website, scan the code on its login page.',
    accountLabel: 'Account',
    accountHint: 'username, email or phone',
    passwordLabel: 'Password',
    signIn: 'Sign in',
    homeTitle: 'Hello, {name}',
    homeIntro: 'To log in to a website, open its login page on your computer, then scan the code it shows.',
    scanStart: 'Scan a login code',
    sitesOpen: 'Signed-in websites',
    sessionsOpen: 'Signed-in devices',
    sessionsTitle: 'Signed-in devices',
    sessionsIntro:
      'Where this account is signed in to approve logins: this phone and any other. Sign out a device you do not recognise or have lost: it can no longer approve logins, and logins it approved that no website has completed yet are withdrawn.',
    pageContextTitle: "The website's page also says",
    pageContextHint:
      'Written by the page itself and not checked. Anyone can write this; trust the facts above instead.',
    historyTitle: 'Recent QR logins',
    refresh: 'Refresh',
    sitesTitle: 'Signed-in websites',
    sitesIntro:
      'Websites you logged in to by scanning their code with this account. Sign out of any you do not recognise or no longer use: it will ask to log in again.',
    signOutEverywhere: 'Sign out everywhere',
    keepThem: 'Keep them',
    yesSignOut: 'Yes, sign out',
    backToStart: 'Back to start',
    scanTitle: 'Scan the login code',
    scanHint: "Point the camera at the QR code on the website's login page.",
    cameraView: 'Camera view',
    cancel: 'Cancel',
    fallbackTitle: 'Camera not working?',
    photoLabel: 'Use a photo of the code',
    pasteLabel: 'Or paste the text of the code',
    useText: 'Use this text',
    checking: 'Checking the code…',
    stepupTitle: 'Confirm it is you',
    stepupRequest: 'A request to log in to {app} ({origin}) comes from far away from your phone: {where}.',
    stepupAsk:
      'Enter your password to see it and decide. If you did not just open this page yourself, tap Deny.',
    deny: 'Deny',
    continue: 'Continue',
    approve: 'Approve',
    confirmTitle: 'Log in to {app}?',
    confirmIntro: 'Someone asked to log in with your account. Check that it was you.',
    website: 'Website',
    requestedFrom: 'Requested from',
    browser: 'Browser',
    reportedByBrowser: '(reported by the browser)',
    time: 'Time',
    confirmWarning:
      'If you did not just open this page yourself, tap Deny. Someone may have sent you their code to get into your account.',
    checkCodeLegend: 'Which number does the website show?',
    checkCodeHelp: 'Pick the number shown next to the code on the website, then tap Approve.',
    result: 'Result',
    codeStart: 'Enter a code',
    codeTitle: 'Enter a code',
    codeIntro:
      "Type the code a TV, console or terminal shows to sign it in, or the code under a website's QR code when you cannot scan it.",
    codeLabel: 'Code',
    codeHint: '8 letters, like BCDF-GHJK',
    deviceTitle: 'Sign in to {app} on a device?',
    deviceIntro:
      'A device asked to sign in with your account. Check that it is yours and that it shows this code:',
    device: 'Device',
    reportedByDevice: '(as it reported itself)',
    asksFor: 'It asks for',
    deviceWarning:
      'If you did not just start this on a device of your own, tap Deny. Someone may have sent you their code to get into your account.',
    yourPassword: 'Your password',
    deviceFarHint: '(this device is far away)',
  },

  /** The ways on from a result, on its buttons. */
  actions: {
    scanAgain: 'Scan a code',
    retry: 'Try again',
    signIn: 'Sign in again',
    home: 'Back to start',
  },

  /** What went wrong, and what to do: each a title and a detail. */
  problems: {
    expired: {
      title: 'This code has expired',
      detail:
        'Login codes last only a short time. Refresh the login page on the website to get a new code, then scan again.',
    },
    notLoginCode: {
      title: 'This is not a login code',
      detail:
        'The QR code you scanned is something else (a link, a Wi-Fi code, plain text...). Scan the code shown on the login page of the website.',
    },
    badSignature: {
      title: 'This code could not be verified',
      detail:
        'The code does not carry a valid signature of this login service. Do not use it: refresh the login page on the website and scan the new code.',
    },
    unsignedCode: {
      title: 'This code is not signed',
      detail:
        'Login codes of this service carry its signature; this one does not, so it may not come from the real website. Do not use it: open the login page yourself and scan its code.',
    },
    damagedCode: {
      title: 'This login code is damaged',
      detail:
        'It looks like a login code, but parts of it are missing or wrong. Refresh the login page on the website and scan the new code.',
    },
    insecurePage: {
      title: 'Codes cannot be checked on this page',
      detail:
        'Login codes are verified before you approve them, which browsers only allow on a secure page. Open the companion through its https:// address, then scan again.',
    },
    unexpected: { title: 'Something went wrong', detail: 'The app ran into an unexpected problem.' },
    network: {
      title: 'No connection to the login service',
      detail:
        'Your phone could not reach the service. Check that you are online (Wi-Fi or mobile data), then try again.',
    },
    timeout: {
      title: 'The login service did not answer',
      detail: 'The service took too long to answer. Check your connection, then try again.',
    },
    badResponse: {
      title: 'Unexpected answer',
      detail:
        'Something between your phone and the login service answered instead of the service (a captive portal or a proxy?). Try again in a moment.',
    },
    cancelled: { title: 'Cancelled', detail: 'The request was cancelled.' },
    unknownCode: {
      title: 'Unknown login code',
      detail:
        'This login service does not know this code. A newer code may have replaced it on the page (codes change while the page waits), it may come from another service, or it was removed. Scan the code the website shows now.',
    },
    otherPool: {
      title: 'This code is for other accounts',
      detail:
        'The website that shows this code signs in users of another directory than the account you are signed in with. Sign in with an account of that website, or scan another code.',
    },
    scannedByOther: {
      title: 'Someone else scanned this code first',
      detail:
        'Only the person who scanned it first can approve it. If you did not expect this, someone may be trying to use this login: refresh the page on the website and scan its new code.',
    },
    wrongCheckCode: {
      title: 'Wrong number: the login was refused',
      detail:
        'The number you picked is not the one on the website, so nobody was logged in. If you did not open that page yourself, someone may be trying to get into your account. Otherwise refresh the page and scan again.',
    },
    checkCodeRequired: {
      title: 'Pick the number first',
      detail:
        'This website shows a number next to its code. Scan again and pick that number before approving.',
    },
    tooFar: {
      title: 'Refused: the request comes from far away',
      detail:
        'The browser that showed this code seems far from your phone, and your account does not allow logins like that. If it was you, connect your phone to the same network as the computer and scan a new code.',
    },
    stepUpRequired: {
      title: 'Confirm it is you first',
      detail:
        'This request comes from far away, so your password is needed before it can be approved. Scan the code again.',
    },
    wrongPassword: {
      title: 'Wrong password',
      detail: 'The password is wrong; the login was not continued. Try again.',
    },
    closedWhileDeciding: {
      title: 'This login request is closed',
      detail:
        'It was answered or cancelled in the meantime, so nothing was changed. Scan the code the website shows now.',
    },
    usedOrCancelled: {
      title: 'This code was already used or cancelled',
      detail: 'A code works only once. Refresh the login page on the website and scan its new code.',
    },
    wrongCode: {
      title: 'No request has this code',
      detail:
        'Check the code on the device or the sign-in page (8 letters, like BCDF-GHJK) and type it again. Codes last only a few minutes.',
    },
    codeExpired: {
      title: 'This code has expired',
      detail: 'Start the sign-in again on the device: it will show a new code.',
    },
    deviceClosed: {
      title: 'This request was already answered',
      detail:
        'It was approved or denied before, so nothing was changed. If that was not you, sign out of the device from Signed-in websites.',
    },
    alreadySignedOut: {
      title: 'Already signed out',
      detail: 'This website was signed out already (from another device, or its sign-in expired).',
    },
    signedOut: {
      title: 'Please sign in again',
      detail: 'Your sign-in on this phone has expired or was revoked.',
    },
    blocked: { title: 'This account is blocked', detail: 'Contact the administrator of the login service.' },
    wrongCredentials: { title: 'Wrong account or password', detail: 'Check both and try again.' },
    tooManyAttempts: {
      title: 'Too many attempts',
      detail: (wait: string) => `Signing in is paused for this account after several failures. ${wait}`,
      /** After too many wrong codes typed on the "Enter a code" screen. */
      codes: (wait: string) => `Typing codes is paused after several wrong ones. ${wait}`,
    },
    rateLimited: { title: 'Too many requests' },
    /** The service stopped the login (status 5): its scanner, or the website behind it, is gone. */
    scannerGone: {
      title: 'This login was stopped',
      detail:
        'The account that scanned this code can no longer sign in, so the login cannot go on. The website will show a new code.',
    },
    websiteGone: {
      title: 'This login was stopped',
      detail:
        'The website that showed this code was removed from the login service since, so nobody can log in with it. Nothing was changed.',
    },
    notSetUp: {
      title: 'The login service is not set up for this app',
      detail: 'The service does not know the account directory this app signs in to. Ask its administrator.',
    },
    serviceTrouble: {
      title: 'The login service has a problem',
      detail: 'It could not answer just now; try again shortly.',
    },
  },

  /** How long to wait before trying again; `duration` is formatted by Intl ("30 seconds"). */
  wait: {
    aLittle: 'Wait a little, then try again.',
    exactly: (duration: string) => `Wait ${duration}, then try again.`,
    about: (duration: string) => `Wait about ${duration}, then try again.`,
  },
  /** The service's request id, after a message, so that an administrator can find it in the logs. */
  requestId: (id: string) => ` (Request ${id})`,
  /** A problem as one line: its title, then its detail. */
  problemLine: (title: string, detail: string) => `${title}. ${detail}`,

  /** The lines of the confirm, history and websites screens. */
  lines: {
    /** Under the page's own words on the confirm screen, when some were left out. */
    moreNotShown: (n: number) => `and ${n} more not shown`,
    unknownOrigin: 'Unknown website (the browser did not say)',
    unknownAddress: 'an unknown address',
    placeAt: (place: string, address: string) => `${place} (${address})`,
    placeUnknown: (address: string) => `${address} (location unknown)`,
    browserOn: (browser: string, os: string) => `${browser} on ${os}`,
    aBrowserOn: (os: string) => `A browser on ${os}`,
    unknownBrowser: 'Unknown browser',
    justNow: 'just now',
    unknownTime: 'Unknown time',
    /** A time and how long ago it was ("14:03:12 (12 seconds ago)"). */
    timeAgo: (time: string, ago: string) => `${time} (${ago})`,
    unknownApplication: 'an unknown application',
    unknownApp: 'Unknown application',
    notReported: 'Not reported by this service',
    requestFrom: (where: string) => `the request came from ${where}`,
    phoneIn: (where: string) => `your phone is in ${where}`,
    /** The distance warning: `facts` are the lines above, joined; empty when none is known. */
    farWarning: (facts: string[]) =>
      `Your phone seems to be far from the browser that asked${facts.length ? ` (${facts.join('; ')})` : ''}. Deny unless you are sure it is you.`,
    /** `inTime` is formatted by Intl ("in 90 seconds"). */
    expiresIn: (inTime: string) => `This request expires ${inTime}.`,
    expired: 'This request has expired.',
    approved: 'Approved',
    denied: 'Denied',
    redeemed: 'Signed in',
    from: (where: string) => `From ${where}`,
    signedInSince: (time: string) => `Signed in ${time}`,
    signOutOf: (site: string, origin: string) => `Sign out of ${site} (${origin})`,
    unknownWebsite: 'unknown website',
    signOutEverywhereQuestion: (count: number) =>
      `Sign out of ${count === 1 ? 'the 1 website' : `all ${count} websites`} listed here? Each will ask you to log in again; this phone stays signed in.`,
    signedOutOf: (site: string) => `Signed out of ${site}.`,
    /** The devices screen (app sessions). */
    thisPhone: (device: string) => `${device} (this phone)`,
    anyApp: 'Any application of this account',
    signOutThisPhone: 'Sign out this phone',
    signOutDevice: (device: string, since: string) => `Sign out ${device}, signed in ${since}`,
    deviceSignedOut: (device: string) => `Signed out ${device}. It can no longer approve logins.`,
    /** What an OpenID scope gives the device, by scope name. */
    scopes: {
      openid: 'your account id',
      profile: 'your name and picture',
      email: 'your email address',
      phone: 'your phone number',
      offline_access: 'staying signed in',
    },
    scopeList: (scopes: string[]) => scopes.join(', '),
    onlyIdentity: 'only that it is you',
    deviceUnknown: 'The device did not say what it is',
    deviceAskedFrom: (where: string) => `the device asked from ${where}`,
    deviceFarWarning: (facts: string[]) =>
      `The device seems to be far from your phone${facts.length ? ` (${facts.join('; ')})` : ''}. Deny unless you are sure it is yours.`,
    signedOutCount: (count: number) =>
      count <= 0
        ? 'No website was signed in.'
        : count === 1
          ? 'Signed out of 1 website.'
          : `Signed out of ${count} websites.`,
  },

  /** What the screens say as they go. */
  screens: {
    loading: 'Loading…',
    someone: 'you',
    noHistory: 'No QR logins yet.',
    refreshToRetry: (title: string) => `${title}. Tap Refresh to try again.`,
    signInToContinue: 'Sign in again to continue.',
    enterAccountAndPassword: 'Enter your account and your password.',
    signingIn: 'Signing in…',
    signedInAs: (name: string) => `Signed in as ${name}.`,
    signedOut: 'Signed out.',
    noSites: 'No website is signed in through your QR logins.',
    signOut: 'Sign out',
    notSignedOut: (site: string, problem: string) => `${site} was not signed out: ${problem}`,
    noSessions: 'No device is signed in to this account.',
    nothingSignedOut: (problem: string) => `Nothing was signed out: ${problem}`,
    cameraUnavailable: 'The camera is not available.',
    cameraFallback: (problem: string) =>
      `${problem} You can use a photo of the code or paste its text below.`,
    noCodeInPhoto:
      'No QR code found in this photo. Take it closer, in focus, with the whole code in the picture.',
    notAnImage: 'This file could not be read as an image.',
    codeRead: 'Code read. Checking it.',
    askToConfirm: (app: string, origin: string) =>
      `Log in to ${app} on ${origin}? If you did not just open this page yourself, tap Deny.`,
    approvedDetail: (app: string, origin: string) =>
      `You are being logged in to ${app} (${origin}). Continue on that screen.`,
    approvedTitle: 'Approved',
    deniedTitle: 'Login denied',
    deniedDetail:
      'Nobody was logged in. If someone asked you to scan this code, they may have been trying to get into your account.',
    stepUpAsk: 'Confirm it is you: enter your password, or deny.',
    enterPassword: 'Enter your password.',
    codeShape: 'A code has 8 letters, like BCDF-GHJK.',
    askDevice: (app: string, code: string) =>
      `Sign in to ${app} on a device showing ${code}? If you did not just start this yourself, tap Deny.`,
    devicePasswordNeeded: 'Enter your password to approve a device this far away.',
    deviceApprovedTitle: 'Device signed in',
    deviceApprovedDetail: (app: string, code: string) =>
      `${app} is signed in on the device showing ${code}. You can sign it out from Signed-in websites.`,
    deviceDeniedTitle: 'Request denied',
    deviceDeniedDetail:
      'The device was not signed in. If someone asked you to enter this code, they may have been trying to get into your account.',
  },

  /** Why the camera cannot be used. */
  camera: {
    unsupported: 'This browser cannot use the camera.',
    insecure:
      'The camera works only on a secure (https://) page. Open the companion through its https:// address.',
    denied:
      'Camera access was refused. Allow the camera for this site in the browser settings, or use a photo instead.',
    notFound: 'No camera was found on this device.',
    inUse: 'The camera is busy in another app. Close it and try again.',
    failed: 'The camera could not be started.',
  },
};
