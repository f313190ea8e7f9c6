"""Where a name is registered: its registrable domain, the free hosting and app platforms whose sub-domains
anyone can take, and the top-level domains scams favour.

Scam domains are judged by the name someone registered (`registrable`): the sub-domains of a platform that
gives them away (`FREE_HOSTING`) are judged on their own, and the platform itself never as a whole, since
scammers live on it as much as anyone.
"""

from __future__ import annotations


def _split(text: str) -> list[str]:
    """Words written as one string, the way word lists read best."""
    return text.split()


# Top-level domains that make a brand in a name a strong signal (cheap, new or favoured by scams).
SUSPICIOUS_TLDS = frozenset(
    _split(
        "xyz top click gift gifts link live site online shop store icu tk ml ga cf gq pw ru su fun monster "
        "buzz rest cyou cfd sbs quest lol bar cam ws cc biz zip mov support claims app win bid loan work world space "
        "website tech digital money games game promo codes best pro one"
    )
)
# Platforms whose sub-domains anyone can take for free: each sub-domain is judged, the platform never whole.
FREE_HOSTING = frozenset(
    _split(
        "github.io pages.dev vercel.app netlify.app web.app firebaseapp.com weebly.com wixsite.com blogspot.com "
        "000webhostapp.com ngrok.io ngrok-free.app ngrok.app glitch.me herokuapp.com repl.co replit.app onrender.com "
        "azurewebsites.net surge.sh webflow.io framer.website framer.app carrd.co godaddysites.com workers.dev r2.dev "
        "ipfs.io appspot.com wordpress.com tilda.ws square.site myshopify.com gitbook.io notion.site web3.storage "
        "fleek.co on.fleek.co translate.goog sites.google.com mystrikingly.com yolasite.com jimdosite.com "
        "webnode.page cloudflare-ipfs.com dweb.link"
    )
)

# Dynamic DNS and tunnels: a name that follows a home connection's changing address, or a laptop's local server
# put online for an hour. Anyone takes a sub-domain in seconds, for nothing, with no site behind it that a
# community links to: IP loggers, phishing kits and malware live there (general knowledge of these services).
DYNAMIC_DNS = frozenset(
    _split(
        "duckdns.org ddns.net hopto.org zapto.org sytes.net serveftp.com servehttp.com servegame.com serveblog.net "
        "servebeer.com servepics.com servemp3.com myftp.org myftp.biz redirectme.net bounceme.net ddns.me myddns.me "
        "webhop.me no-ip.org no-ip.biz no-ip.info noip.me dynu.net freeddns.org mywire.org webredirect.org "
        "dynuddns.net accesscam.org camdvr.org giize.com gleeze.com kozow.com loseyourip.com ooguy.com "
        "theworkpc.com casacam.net dynv6.net dedyn.io ydns.eu nsupdate.info spdns.de now-dns.com dyndns.org "
        "homeip.net dnsalias.com dnsalias.net dnsalias.org gotdns.com gotdns.org gotdns.ch mooo.com "
        "chickenkiller.com strangled.net crabdance.com ignorelist.com jumpingcrab.com twilightparadox.com us.to "
        "uk.to trycloudflare.com loca.lt localtunnel.me serveo.net localhost.run lhr.life pagekite.me "
        "ngrok-free.dev"
    )
)


def registrable(host: str) -> str:
    """The name someone registered: the last two labels, or three under a suffix of two ("x.co.uk")."""
    parts = host.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in _TWO_PART_SUFFIXES:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


_TWO_PART_SUFFIXES = {"co.uk", "com.br", "com.au", "co.jp", "com.tr", "com.ru", "co.in", "org.uk", "gouv.fr",
                      "com.cn", "com.mx", "co.kr", "com.ar", "co.za", "com.pl", "com.ua"}  # fmt: skip


def within(host: str, domains: frozenset[str] | set[str]) -> bool:
    """Whether the host is one of `domains` or a sub-domain of one."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def free_hosting_suffix(host: str) -> str | None:
    """The free hosting or app platform, dynamic DNS or tunnel a host is a sub-domain of ("x.web.app" ->
    "web.app", "x.duckdns.org" -> "duckdns.org"), if any."""
    parts = host.split(".")
    for i in range(1, len(parts) - 1):
        suffix = ".".join(parts[i:])
        if suffix in FREE_HOSTING or suffix in DYNAMIC_DNS:
            return suffix
    return None


def shared(name: str) -> bool:
    """Whether a registrable name is a platform whose sub-domains anyone can take (hosting, dynamic DNS)."""
    return name in FREE_HOSTING or name in DYNAMIC_DNS


# Top-level domains where scams far outnumber anything else (cheap or free to register, and abused in bulk),
# from general knowledge of abuse reports: a name there is worth a moderator's look, not a verdict.
WORST_TLDS = frozenset(
    _split(
        "top asia cam icu cyou cfd sbs buzz tk ml ga cf gq pw monster rest bar quest bond lat boats hair skin makeup "
        "autos yachts mom beauty zip mov click gift gifts claims xyz website sale surf uno best fun"
    )
)
